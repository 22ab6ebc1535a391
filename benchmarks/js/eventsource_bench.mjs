// eventsource-parser (npm) on the same bytes as benchmarks/sse_parser_bench.cpp, for comparison.
//
//   ./sse_parser_bench --write /tmp/sse          # writes chat.sse and image.sse
//   cd benchmarks/js && npm install && node eventsource_bench.mjs /tmp/sse
//
// Each chunk is decoded with a streaming TextDecoder and fed to the parser, as a browser or
// Node client does with a fetch() body; "parse only" feeds pre-decoded strings (framing alone,
// the hardest reference); "+JSON.parse" also parses every event's data (except [DONE]), as
// the official SDKs do.
import { readFileSync } from 'node:fs';
import { createParser } from 'eventsource-parser';

const dir = process.argv[2] ?? '/tmp/sse';

function chunks(buf, size) {
  const out = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

function pass(parts, decode, sink, json) {
  const parser = createParser({
    onEvent(e) {
      sink.events++;
      sink.bytes += e.data.length;
      if (json && e.data !== '[DONE]') sink.objects += JSON.parse(e.data).choices.length >= 0 ? 1 : 0;
    },
    onComment() { sink.comments++; },
  });
  if (decode) {
    const dec = new TextDecoder();
    for (const p of parts) parser.feed(dec.decode(p, { stream: true }));
  } else {
    for (const p of parts) parser.feed(p);
  }
}

function bench(name, buf, size, minSeconds = 1.0) {
  const raw = chunks(buf, size);
  const dec = new TextDecoder();
  const text = raw.map((p) => dec.decode(p, { stream: true }));
  const modes = [['decode+parse', raw, true, false], ['parse only', text, false, false]];
  if (name === 'chat') modes.push(['decode+parse+JSON.parse', raw, true, true]);
  for (const [label, parts, decode, json] of modes) {
    const warm = { events: 0, comments: 0, bytes: 0, objects: 0 };
    pass(parts, decode, warm, json);
    const sink = { events: 0, comments: 0, bytes: 0, objects: 0 };
    let reps = 0;
    const t0 = process.hrtime.bigint();
    let t = 0;
    do {
      pass(parts, decode, sink, json);
      reps++;
      t = Number(process.hrtime.bigint() - t0) / 1e9;
    } while (t < minSeconds || reps < 3);
    const mb = (buf.length * reps) / 1e6;
    console.log(
      `${name.padEnd(6)} ${String(size).padStart(6)} B chunks  ${label.padEnd(24)} ${(mb / t).toFixed(1).padStart(8)} MB/s` +
        `  ${(sink.events / t).toFixed(0).padStart(10)} events/s  (${warm.events} events, ${warm.comments} comments/pass)`,
    );
  }
}

const chat = readFileSync(`${dir}/chat.sse`);
const image = readFileSync(`${dir}/image.sse`);
console.log(`node ${process.version}, eventsource-parser ${JSON.parse(readFileSync(new URL('./node_modules/eventsource-parser/package.json', import.meta.url))).version}`);
for (const size of [64, 1460, 16384]) bench('chat', chat, size);
bench('image', image, 1460);
