import { CallPower } from './call-power.ts';

export { CallPower };

// A page may load the script twice (two embeds, a CMS block and a theme): the second must not throw.
if (!customElements.get('call-power')) customElements.define('call-power', CallPower);

declare global {
  interface HTMLElementTagNameMap {
    'call-power': CallPower;
  }
}
