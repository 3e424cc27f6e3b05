// A fake call-power server for the widget's browser tests, as web-test-runner (Koa) middleware.
// It implements the public API the widget talks to (campaigns, targets, calls, call events over SSE,
// leg outcomes, live counts, the error envelope) with fixtures chosen by campaign id, ZIP code and
// phone number, and refuses what the real server would (bad referral codes, oversized metadata).
// Tests drive "manual" calls a step at a time through POST /fake/calls/:id/step, take the server down
// and up again through POST /fake/calls/:id/restart, and read what the widget sent through
// GET /fake/calls/last, /fake/calls/:id and /fake/campaign-requests. For the demo page
// (examples/index.html, as test/widget/layout.test.ts loads it) it serves /demo/counts.
import { PassThrough } from 'node:stream';

const senators = {
  CA: [
    { id: 'P000145', name: 'Alex Padilla', title: 'Senator', party: 'D', state: 'CA', district: null, phone: '+12022243553' },
    { id: 'S001150', name: 'Adam Schiff', title: 'Senator', party: 'D', state: 'CA', district: null, phone: '+12022243841' },
  ],
  NY: [
    { id: 'S000148', name: 'Charles Schumer', title: 'Senator', party: 'D', state: 'NY', district: null, phone: '+12022246542' },
    { id: 'G000555', name: 'Kirsten Gillibrand', title: 'Senator', party: 'D', state: 'NY', district: null, phone: '+12022244451' },
  ],
};
const representatives = {
  'CA-11': { id: 'P000197', name: 'Nancy Pelosi', title: 'Representative', party: 'D', state: 'CA', district: 'CA-11', phone: '+12022254965' },
  'CA-12': { id: 'S001231', name: 'Lateefah Simon', title: 'Representative', party: 'D', state: 'CA', district: 'CA-12', phone: '+12022252661' },
  'NY-12': { id: 'N000002', name: 'Jerrold Nadler', title: 'Representative', party: 'D', state: 'NY', district: 'NY-12', phone: '+12022255635' },
};
const customTargets = [
  { id: 'c1', name: 'Pat Jones', title: 'Mayor', party: '', state: 'CA', district: null, phone: '+14155550101' },
  { id: 'c2', name: 'Sam Lee', title: 'Council Member', party: '', state: 'CA', district: null, phone: '+14155550102' },
];

const base = {
  status: 'active',
  script: 'Hello, my name is … and I live in your district. I’m calling {title} {name} to ask for their support.',
  targetMode: 'congress',
  locale: 'en',
  countries: ['US'],
};
const campaigns = {
  demo: { ...base, id: 'demo', name: 'Call Congress', nextStep: { kind: 'again', text: 'Call again tomorrow to keep up the pressure.' } },
  custom: { ...base, id: 'custom', name: 'Call City Hall', targetMode: 'custom', script: 'Please fund the library, {title}.', nextStep: { kind: 'share', url: 'https://example.org/share', text: 'I just called City Hall.' } },
  // An own list routed by place (a governor by state): the server needs the caller's ZIP.
  routed: { ...base, id: 'routed', name: 'Call your governor', targetMode: 'routed', script: 'Please sign the bill, {title}.' },
  espanol: { ...base, id: 'espanol', name: 'Llama al Congreso', locale: 'es' },
  overrides: {
    ...base,
    id: 'overrides',
    name: 'Overrides',
    strings: { callNow: 'Ring me now', 'es.callNow': 'Llámame ya', phoneLabel: 'Mobile number' },
  },
  link: { ...base, id: 'link', name: 'Link next', nextStep: { kind: 'link', url: 'https://example.org/donate', text: 'Donate' } },
  redirect: { ...base, id: 'redirect', name: 'Redirect next', nextStep: { kind: 'redirect', url: 'https://example.org/next' } },
  again: {
    ...base,
    id: 'again',
    name: 'Call again',
    callAgain: { description: 'every weekday between 10 am and 4 pm' },
    nextStep: { kind: 'again', text: 'Or call again tomorrow.' },
  },
  share: { ...base, id: 'share', name: 'Share next', nextStep: { kind: 'share', text: 'I called Congress.' } },
  // Served after a second, so that a test sees the widget while its campaign loads.
  slow: { ...base, id: 'slow', name: 'Slow to load' },
  // Only test/widget/count.test.ts places calls here: its figures must not move under it.
  counter: { ...base, id: 'counter', name: 'Counted' },
  paused: { ...base, id: 'paused', name: 'Paused', status: 'paused' },
  archived: { ...base, id: 'archived', name: 'Archived', status: 'archived' },
};

/** What `GET /api/campaigns/:id?lang=es` returns in Spanish, as the server does for a campaign that has it. */
const inSpanish = {
  demo: {
    script: 'Hola, me llamo … y vivo en su distrito. Llamo a {title} {name} para pedir su apoyo.',
    nextStep: { kind: 'again', text: 'Vuelve a llamar mañana para mantener la presión.' },
  },
  again: {
    name: 'Llama otra vez',
    callAgain: { description: 'cada día laborable entre las 10 y las 16 h' },
    nextStep: { kind: 'again', text: 'O vuelve a llamar mañana.' },
  },
};

const fail = (ctx, status, code, field, headers = {}, extra = {}) => {
  ctx.status = status;
  ctx.set(headers);
  ctx.body = { error: { code, message: `fake ${code}`, ...(field && { field }), ...extra } };
};

/** As the server names a seat whose holder's term has ended (reached through the Capitol switchboard), in `lang`. */
const endedSeat = (lang) => ({
  target: { id: 'FL-S2', name: lang === 'es' ? 'la oficina de Florida en el Senado' : 'the office of the Senator from Florida', title: '', state: 'FL', phone: '+12022243121' },
  note: lang === 'es' ? 'El mandato de Ashley Moody terminó el 2026-11-03.' : "Ashley Moody's term ended on 2026-11-03.",
});

/**
 * ZIP 94110 spans CA-11 and CA-12; 32301 has a Senate seat whose term has ended; 00000 is unknown; 50300 is
 * served only after a delay; any other ZIP is NY-12.
 */
function lookup(campaign, zip, district, lang) {
  if (campaign.targetMode === 'custom') return { targets: customTargets, location: null, split: false };
  if (campaign.targetMode === 'routed') return { targets: customTargets.slice(0, 1), location: { zip, state: 'CA', districts: ['CA-12'] }, split: false, notes: [] };
  if (zip === '32301') {
    const { target, note } = endedSeat(lang);
    return { targets: [target], location: { zip, state: 'FL', districts: ['FL-2'] }, split: false, notes: [note] };
  }
  if (zip === '94110') {
    const districts = ['CA-11', 'CA-12'];
    const location = { zip, state: 'CA', districts };
    if (district) return { targets: [...senators.CA, representatives[district]], location, split: false, notes: ['Offices are busy today.'] };
    // As the server answers under the `ask` policy: the senators, and each district with its representative to choose from.
    const choices = districts.map((d) => ({ district: d, representative: (({ id, name, title, party }) => ({ id, name, title, party }))(representatives[d]) }));
    return { targets: senators.CA, location, split: true, notes: ['Offices are busy today.'], choices };
  }
  return { targets: [...senators.NY, representatives['NY-12']], location: { zip, state: 'NY', districts: ['NY-12'] }, split: false, note: 'Offices close at 5 pm Eastern.' };
}

/**
 * The snapshots a call goes through, with the phone's `phase` as the server reports it: ring the
 * caller, the press-1 gate, then each office in turn (the second is busy), the "how did it go?"
 * question after each office that answered, the call-again offer (when the campaign has one and the
 * supporter is not opted in), goodbye, and the end. As on the server, the leg of the next office
 * starts with the step that dials it, which follows the busy office's end at once.
 * `keyed` is the outcome the caller keys in on the phone after each office that answered; `optedIn`
 * says when the supporter confirms call-again on the phone: `gate` (1 at the gate, after ticking the
 * box), `offer` (1 when offered) or never.
 */
function timeline(id, targets, callerAnswers, { keyed = null, optedIn, offered = false, fallback = false } = {}) {
  const steps = [
    { status: 'queued', phase: 'calling', legs: [] },
    { status: 'ringing', phase: 'calling', legs: [] },
  ];
  if (!callerAnswers) return [...steps, { status: 'no-answer', phase: 'ended', legs: [] }].map((s) => ({ id, optedIn: false, ...s }));
  const legs = [];
  let opted = false;
  const push = (phase, phaseLeg, status = 'in-progress') =>
    steps.push({ status, phase, ...(phaseLeg === undefined ? {} : { phaseLeg }), optedIn: opted, legs: legs.map((leg) => ({ ...leg })) });
  push('gate');
  opted = optedIn === 'gate';
  targets.forEach((target, i) => {
    const busy = i === 1;
    legs.push({ targetId: target.id, status: 'ringing', duration: null, outcome: null });
    push('office', i);
    if (busy && fallback) {
      // The step that records the busy office dials the member's district office: the leg shows that one.
      legs[i] = { ...legs[i], attempt: 1, office: 'district office in New York' };
      push('office', i);
    } else if (busy) {
      legs[i] = { ...legs[i], status: 'busy', duration: 0 };
      return;
    }
    legs[i] = { ...legs[i], status: 'in-progress' };
    push('office', i);
    // With a keyed outcome, the last office's leg ends `answered`, as Twilio reports some hang-ups.
    legs[i] = { ...legs[i], status: keyed && i === targets.length - 1 ? 'answered' : 'completed', duration: 40 + i };
    push('outcome', i);
    if (keyed) legs[i].outcome = keyed;
  });
  if (offered && !opted) {
    push('offer');
    opted = optedIn === 'offer';
  }
  push('goodbye');
  push('ended', undefined, 'completed');
  return steps.map((s) => ({ id, ...s }));
}

/**
 * Phones choose how a call behaves: …0100 waits for /fake steps, …0111 never answers,
 * …0122 has no event stream (the widget must poll), …0133 is refused, …0144 is rate limited for its
 * network (for two minutes), …0177 for its number (3 calls a day, for hours), …0155 finds the campaign
 * paused, …0166 keys in "voicemail" after each office that answered (the last of which Twilio reports
 * `answered`), …0188 presses 1 when offered call-again at the end, …0189 does not press 1 at the gate to
 * confirm a ticked call-again box (every other answering phone does), …0101 waits for /fake steps and
 * reaches the busy office's district office; any other number runs the whole call by itself.
 */
const phones = {
  manual: '+12025550100',
  fallback: '+12025550101',
  unanswered: '+12025550111',
  polling: '+12025550122',
  refused: '+12025550133',
  limited: '+12025550144',
  paused: '+12025550155',
  keyed: '+12025550166',
  perDay: '+12025550177',
  optsIn: '+12025550188',
  declines: '+12025550189',
};

const final = (status) => !['queued', 'ringing', 'in-progress'].includes(status);

/** Why the server would refuse a call's referral code, metadata or opt-in (server limits), if it would. */
function badExtras({ ref, meta, callAgain, lang }, campaign) {
  if (ref !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(ref)) return 'ref';
  if (lang !== undefined && lang !== 'en' && lang !== 'es') return 'lang';
  if (callAgain !== undefined && (callAgain !== true || !campaign.callAgain)) return 'callAgain';
  if (meta === undefined) return undefined;
  const entries = meta && typeof meta === 'object' ? Object.entries(meta) : null;
  const fits = ([key, value]) =>
    /^[A-Za-z][\w-]{0,39}$/.test(key) && (typeof value === 'string' ? value.length <= 200 : typeof value === 'boolean' || Number.isFinite(value));
  return entries && entries.length <= 20 && entries.every(fits) ? undefined : 'meta';
}

const outcomes = ['spoke', 'voicemail', 'unavailable'];

export function fakeApi({ stepMs = 25 } = {}) {
  const calls = new Map();
  let next = 0;
  /** Count requests since the last reset, and calls placed before it (which no longer count). */
  let countLog = [];
  let countedFrom = 0;
  /** Every campaign read, as `id?query`, for tests to see the language asked for. */
  const campaignLog = [];

  /** The call as the API shows it: its current step, with the outcomes reported through the API. */
  const view = (call) => {
    const snapshot = call.steps[call.at];
    return { ...snapshot, legs: snapshot.legs.map((leg) => ({ ...leg, outcome: leg.outcome ?? call.reported.get(leg.targetId) ?? null })) };
  };
  const notify = (call) => {
    const snapshot = view(call);
    for (const listener of call.listeners) listener(snapshot);
    return snapshot;
  };
  const advance = (call) => {
    if (call.at < call.steps.length - 1) call.at += 1;
    return notify(call);
  };

  /** Calls started and office legs completed, for a campaign or one referral code (the codes alone start at 5). */
  const count = (campaignId, ref) => {
    const counted = [...calls.values()].filter((c) => c.campaignId === campaignId && c.seq > countedFrom && (!ref || c.body.ref === ref));
    const completed = counted.reduce((sum, c) => sum + view(c).legs.filter((l) => l.status === 'completed').length, 0);
    return ref ? { calls: 8 + counted.length, completed: 5 + completed } : { calls: 1500 + counted.length, completed: 1234 + completed };
  };

  return async function fakeApiMiddleware(ctx, next_) {
    const path = ctx.path;
    if (!/^\/(api|fake|demo)\//.test(path)) return next_();
    let m;
    if ((m = path.match(/^\/api\/campaigns\/([^/]+)$/))) {
      const campaign = campaigns[m[1]];
      campaignLog.push(`${m[1]}${ctx.querystring ? `?${ctx.querystring}` : ''}`);
      if (m[1] === 'down') return fail(ctx, 503, 'unavailable');
      if (!campaign) return fail(ctx, 404, 'not_found');
      if (ctx.query.lang !== undefined && ctx.query.lang !== 'en' && ctx.query.lang !== 'es') return fail(ctx, 422, 'invalid_query', 'lang');
      if (campaign.id === 'slow') await sleep(1000);
      ctx.body = { ...campaign, ...(ctx.query.lang === 'es' && inSpanish[campaign.id]) };
      return;
    }
    if ((m = path.match(/^\/api\/campaigns\/([^/]+)\/targets$/))) {
      const campaign = campaigns[m[1]];
      if (!campaign) return fail(ctx, 404, 'not_found');
      const { zip = '', district = '', lang } = ctx.query;
      if (campaign.targetMode !== 'custom' && !/^\d{5}$/.test(zip)) return fail(ctx, 422, 'invalid_zip', 'zip');
      if (zip === '00000') return fail(ctx, 422, 'invalid_zip', 'zip');
      if (zip === '50300') await new Promise((resolve) => setTimeout(resolve, 400));
      ctx.body = lookup(campaign, zip, district, lang);
      return;
    }
    if ((m = path.match(/^\/api\/campaigns\/([^/]+)\/calls$/)) && ctx.method === 'POST') {
      const campaign = campaigns[m[1]];
      if (!campaign) return fail(ctx, 404, 'not_found');
      const body = await readJson(ctx.req);
      if (!body || typeof body.phone !== 'string') return fail(ctx, 422, 'invalid_body');
      const bad = badExtras(body, campaign);
      if (bad) return fail(ctx, 422, 'invalid_body', bad);
      if (!/^\+1\d{10}$/.test(body.phone) || body.phone === phones.refused) return fail(ctx, 422, 'invalid_phone', 'phone');
      if (body.phone === phones.limited) return fail(ctx, 429, 'rate_limited', undefined, { 'Retry-After': '120' }, { reason: 'network', limit: 10, retryAfter: 120 });
      // No Retry-After header here: as a cross-origin page that is not shown it, the widget reads the body.
      if (body.phone === phones.perDay) return fail(ctx, 429, 'rate_limited', undefined, {}, { reason: 'phone', limit: 3, retryAfter: 30000 });
      if (body.phone === phones.paused) return fail(ctx, 409, 'campaign_paused');
      const found = lookup(campaign, body.zip, body.district);
      if (found.split && !body.district) return fail(ctx, 422, 'district_required', 'district');
      const targets = found.targets.map(({ phone, ...target }) => target);
      const seq = ++next;
      const id = `call-${seq}-${Math.random().toString(36).slice(2, 10)}`;
      const mode = Object.keys(phones).find((k) => phones[k] === body.phone) ?? 'auto';
      const steps = timeline(id, targets, mode !== 'unanswered', {
        keyed: mode === 'keyed' ? 'voicemail' : null,
        optedIn: mode === 'optsIn' ? 'offer' : body.callAgain && mode !== 'declines' ? 'gate' : undefined,
        offered: !!campaign.callAgain,
        fallback: mode === 'fallback',
      });
      calls.set(id, { id, seq, campaignId: campaign.id, mode, body, targets, steps, at: 0, listeners: new Set(), streams: new Set(), reported: new Map(), reports: [] });
      ctx.status = 201;
      ctx.body = { call: { id, status: 'queued', targets } };
      return;
    }
    if ((m = path.match(/^\/api\/campaigns\/([^/]+)\/count$/))) {
      if (!campaigns[m[1]]) return fail(ctx, 404, 'not_found');
      countLog.push(ctx.url);
      ctx.set('Cache-Control', 'no-store');
      ctx.body = count(m[1], ctx.query.ref);
      return;
    }
    if ((m = path.match(/^\/api\/calls\/([^/]+)(\/events)?$/)) && calls.get(m[1])?.down) {
      // The server is down: the connection is dropped, as a browser sees a refused one.
      ctx.respond = false;
      ctx.req.socket.destroy();
      return;
    }
    if ((m = path.match(/^\/api\/calls\/([^/]+)$/))) {
      const call = calls.get(m[1]);
      if (!call || call.forgotten) return fail(ctx, 404, 'not_found');
      // Polled calls move four steps per request, so a test sees legs begin and end between polls.
      if (call.mode === 'polling') for (let i = 0; i < 3; i++) advance(call);
      ctx.body = call.mode === 'polling' ? advance(call) : view(call);
      return;
    }
    if ((m = path.match(/^\/api\/calls\/([^/]+)\/legs\/(\d+)\/outcome$/)) && ctx.method === 'POST') {
      const call = calls.get(m[1]);
      const target = call?.targets[Number(m[2])];
      if (!target) return fail(ctx, 404, 'not_found');
      const body = await readJson(ctx.req);
      call.reports.push({ index: Number(m[2]), body });
      if (!outcomes.includes(body?.outcome)) return fail(ctx, 422, 'invalid_body', 'outcome');
      const leg = view(call).legs.find((l) => l.targetId === target.id);
      if (!leg || !final(leg.status)) return fail(ctx, 409, 'outcome_not_ready');
      // The first outcome reported wins, by key or by button.
      if (!leg.outcome) call.reported.set(target.id, body.outcome);
      ctx.body = { leg: notify(call).legs.find((l) => l.targetId === target.id) };
      return;
    }
    if ((m = path.match(/^\/api\/calls\/([^/]+)\/events$/))) {
      const call = calls.get(m[1]);
      if (!call || call.forgotten) return fail(ctx, 404, 'not_found');
      if (call.mode === 'polling') return fail(ctx, 500, 'internal');
      streamCall(ctx, call, call.mode === 'manual' || call.mode === 'fallback' ? 0 : stepMs, advance, view);
      return;
    }
    // As a server that is stopping: ends the call's streams with `event: restarting`, is down for `down`
    // milliseconds (dropping connections), and comes back without the call when `forget` is set.
    if ((m = path.match(/^\/fake\/calls\/([^/]+)\/restart$/)) && ctx.method === 'POST') {
      const call = calls.get(m[1]);
      if (!call) return fail(ctx, 404, 'not_found');
      const { down = 0, forget = false } = (await readJson(ctx.req)) ?? {};
      for (const end of call.streams) end();
      call.down = true;
      setTimeout(() => {
        call.down = false;
        call.forgotten = forget;
      }, down);
      ctx.status = 204;
      return;
    }
    if ((m = path.match(/^\/fake\/calls\/([^/]+)\/step$/)) && ctx.method === 'POST') {
      const call = calls.get(m[1]);
      if (!call) return fail(ctx, 404, 'not_found');
      ctx.body = advance(call);
      return;
    }
    if (path === '/fake/calls/last') {
      ctx.body = [...calls.values()].at(-1)?.body ?? null;
      return;
    }
    if ((m = path.match(/^\/fake\/calls\/([^/]+)$/))) {
      const call = calls.get(m[1]);
      ctx.body = call ? { body: call.body, reports: call.reports } : null;
      return;
    }
    if (path === '/fake/counts' && ctx.method === 'DELETE') {
      countLog = [];
      countedFrom = next;
      ctx.status = 204;
      return;
    }
    if (path === '/fake/counts') {
      ctx.body = countLog;
      return;
    }
    if (path === '/fake/campaign-requests') {
      ctx.body = campaignLog;
      return;
    }
    if (path === '/demo/counts') {
      ctx.body = { targets: [] };
      return;
    }
    return next_();
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Server-sent events: the current snapshot now, then every change; closed after a final status. */
function streamCall(ctx, call, stepMs, advance, view) {
  const stream = new PassThrough();
  ctx.req.socket.setTimeout(0);
  ctx.req.socket.setNoDelay(true);
  ctx.set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
  ctx.status = 200;
  ctx.body = stream;
  let timer;
  const close = () => {
    clearInterval(timer);
    call.listeners.delete(send);
    call.streams.delete(restart);
  };
  const send = (snapshot) => {
    stream.write(`event: call\ndata: ${JSON.stringify(snapshot)}\n\n`);
    if (final(snapshot.status)) {
      close();
      stream.end();
    }
  };
  // What the server sends as it stops: EventSource comes back after `retry` milliseconds.
  const restart = () => {
    close();
    stream.end('event: restarting\ndata: \nretry: 2000\n\n');
  };
  call.listeners.add(send);
  call.streams.add(restart);
  ctx.req.on('close', close);
  send(view(call));
  if (stepMs) timer = setInterval(() => advance(call), stepMs);
}

function readJson(req) {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      try {
        resolve(JSON.parse(text));
      } catch {
        resolve(null);
      }
    });
  });
}
