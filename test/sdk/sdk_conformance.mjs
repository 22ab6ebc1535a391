// The official OpenRouter TypeScript SDK (@openrouter/sdk, pinned in package-lock.json) against
// openrouter-mock: every SDK method the mock serves is called, and each answer must pass the
// SDK's own response validation (its generated zod schemas; a mismatch throws
// ResponseValidationError). Error answers are checked too: the SDK must map them to its typed
// error of that status, not to a validation failure.
//
//   node sdk_conformance.mjs --base http://127.0.0.1:PORT/api/v1 --key KEY [--management-key KEY]
//
// Prints one line per check ("ok NAME" or "FAIL NAME: why") and exits 1 if any check failed.
// Run by test/mock/sdk_conformance_test.cpp; `npm ci` in this directory (scripts/setup.sh does).
import { OpenRouter } from "@openrouter/sdk";
import * as errors from "@openrouter/sdk/models/errors";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
if (!args.base || !args.key) {
  console.error("usage: node sdk_conformance.mjs --base URL --key KEY [--management-key KEY] [--only NAME,...]");
  process.exit(2);
}
const only = args.only ? new Set(args.only.split(",")) : null;

const sdk = new OpenRouter({ apiKey: args.key, serverURL: args.base, retryConfig: { strategy: "none" } });
const mgmt = new OpenRouter({ apiKey: args["management-key"] ?? args.key, serverURL: args.base,
                              retryConfig: { strategy: "none" } });
const anonymous = new OpenRouter({ apiKey: "", serverURL: args.base, retryConfig: { strategy: "none" } });

function describe(e) {
  if (e instanceof errors.ResponseValidationError) return `ResponseValidationError: ${e.pretty()}`;
  return `${e?.name ?? "error"}: ${e?.message ?? e}`;
}

function must(cond, what) {
  if (!cond) throw new Error(what);
}

/// The call must fail with the SDK's typed error `type` (the error body passed its schema).
async function expectError(call, type, status) {
  try {
    await call();
  } catch (e) {
    if (e instanceof type) {
      must(e.statusCode === status, `expected status ${status}, got ${e.statusCode}`);
      return;
    }
    throw e;
  }
  throw new Error(`expected ${type.name}, the call succeeded`);
}

async function drain(stream) {
  const events = [];
  for await (const event of stream) events.push(event);
  return events;
}

/// The SDK's union of Responses stream events is lenient: an event its schema for that `type`
/// rejects arrives as {type: "UNKNOWN", isUnknown: true, raw} instead of throwing. Every event
/// the mock sends must pass: none may come out unknown.
function allKnown(events, what) {
  const unknown = events.filter((e) => e.isUnknown);
  must(unknown.length === 0, `${what}: the SDK rejected ${unknown.length} event(s), the first ` +
                             JSON.stringify(unknown[0]?.raw ?? null).slice(0, 300));
  return events;
}

async function pages(result) {
  // Paginated methods return an iterator of pages; the first page is the result itself.
  const out = [];
  for await (const page of result) out.push(page);
  return out;
}

const chatRequest = (extra = {}) => ({
  chatRequest: { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Say hello" }], ...extra },
});

// name -> check. Each name is `METHOD /path` (the mock route) and the SDK method, so a reader
// sees which route each one covers.
const checks = {
  "GET /models (models.list)": async () => {
    const r = (await sdk.models.list()).result;  // a page iterator; its first page
    must(r.data.length > 0, "no models");
    const all = (await sdk.models.list({ outputModalities: "all" })).result;
    must(all.data.length > r.data.length, "output_modalities=all adds no model");
  },
  "GET /models/user (models.listForUser)": async () => {
    const r = await pages(await sdk.models.listForUser({ bearer: args.key }));
    must(r.length > 0 && r[0].result.data.length > 0, "no models");
  },
  "GET /models/{author}/{slug}/endpoints (endpoints.list)": async () => {
    for (const [author, slug] of [["openai", "gpt-4o-mini"], ["anthropic", "claude-sonnet-4.5"],
                                  ["mistralai", "mistral-7b-instruct:free"], ["google", "gemini-2.5-flash-image"],
                                  ["openrouter", "auto"]]) {
      try {
        await sdk.endpoints.list({ author, slug });
      } catch (e) {
        throw new Error(`${author}/${slug}: ${describe(e)}`);
      }
    }
    await expectError(() => sdk.endpoints.list({ author: "nobody", slug: "nothing" }), errors.NotFoundResponseError, 404);
  },
  "GET /providers (providers.list)": async () => {
    const r = await sdk.providers.list();
    must(r.data.length > 0, "no providers");
  },
  "GET /key (apiKeys.getCurrentKeyMetadata)": async () => {
    const r = await sdk.apiKeys.getCurrentKeyMetadata();
    must(typeof r.data.label === "string", "no label");
    await expectError(() => anonymous.apiKeys.getCurrentKeyMetadata(), errors.UnauthorizedResponseError, 401);
  },
  "GET /models/count (models.count)": async () => {
    const text = await sdk.models.count();
    const all = await sdk.models.count({ outputModalities: "all" });
    must(text.data.count > 0 && all.data.count > text.data.count, `counts ${text.data.count}, ${all.data.count}`);
  },
  "GET /credits (credits.getCredits)": async () => {
    const r = await mgmt.credits.getCredits();
    must(r.data.totalCredits >= r.data.totalUsage, "more used than bought");
    if (args["management-key"])
      await expectError(() => sdk.credits.getCredits(), errors.ForbiddenResponseError, 403);
  },
  // API key management: the management key only (a user key 403, no key 401, an unknown hash 404).
  "POST /keys (apiKeys.create)": async () => {
    const r = await mgmt.apiKeys.create({ requestBody: { name: "sdk conformance", limit: 10, limitReset: "monthly" } });
    must(r.key.startsWith("sk-or-v1-") && r.data.hash.length === 64, "a secret and a hash");
    must(r.data.name === "sdk conformance" && r.data.limit === 10 && r.data.limitReset === "monthly", "the asked fields");
    await expectError(() => sdk.apiKeys.create({ requestBody: { name: "x" } }), errors.ForbiddenResponseError, 403);
    await expectError(() => anonymous.apiKeys.create({ requestBody: { name: "x" } }), errors.UnauthorizedResponseError, 401);
  },
  "GET /keys (apiKeys.list)": async () => {
    const made = await mgmt.apiKeys.create({ requestBody: { name: "listed" } });
    const r = await mgmt.apiKeys.list();
    must(r.data.some((k) => k.hash === made.data.hash), "the created key is listed");
    const skipped = await mgmt.apiKeys.list({ offset: r.data.length, includeDisabled: true });
    must(skipped.data.length === 0, "offset past the end lists nothing");
  },
  "GET /keys/{hash} (apiKeys.get)": async () => {
    const made = await mgmt.apiKeys.create({ requestBody: { name: "got" } });
    const r = await mgmt.apiKeys.get({ hash: made.data.hash });
    must(r.data.hash === made.data.hash && r.data.name === "got", "the same key");
    await expectError(() => mgmt.apiKeys.get({ hash: "f".repeat(64) }), errors.NotFoundResponseError, 404);
  },
  "PATCH /keys/{hash} (apiKeys.update)": async () => {
    const made = await mgmt.apiKeys.create({ requestBody: { name: "patched", limit: 5 } });
    const r = await mgmt.apiKeys.update({ hash: made.data.hash, requestBody: { disabled: true, limit: null } });
    must(r.data.disabled === true && r.data.limit === null, "disabled, limit cleared");
    await expectError(() => mgmt.apiKeys.update({ hash: "f".repeat(64), requestBody: { name: "x" } }),
                      errors.NotFoundResponseError, 404);
  },
  "DELETE /keys/{hash} (apiKeys.delete)": async () => {
    const made = await mgmt.apiKeys.create({ requestBody: { name: "deleted" } });
    const r = await mgmt.apiKeys.delete({ hash: made.data.hash });
    must(r.deleted === true, "deleted");
    await expectError(() => mgmt.apiKeys.delete({ hash: made.data.hash }), errors.NotFoundResponseError, 404);
  },
  "POST /presets/{slug}/chat/completions (presets.createPresetsChatCompletions)": async () => {
    const r = await sdk.presets.createPresetsChatCompletions({
      slug: "sdk-conformance",
      chatRequest: { model: "openai/gpt-4o-mini", temperature: 0.3,
                     messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }] },
    });
    must(r.data.slug === "sdk-conformance" && r.data.designatedVersion.version === 1, "version 1 of the preset");
    const chat = await sdk.chat.send(chatRequest({ model: "@preset/sdk-conformance" }));
    must(chat.model === "openai/gpt-4o-mini", "@preset/ resolved to the preset's model");
  },
  "POST /presets/{slug}/messages (presets.createPresetsMessages)": async () => {
    const r = await sdk.presets.createPresetsMessages({
      slug: "sdk-messages",
      messagesRequest: { model: "anthropic/claude-3.5-haiku", maxTokens: 64, system: "Be brief.",
                         messages: [{ role: "user", content: "Hi" }] },
    });
    must(r.data.slug === "sdk-messages" && r.data.designatedVersion.systemPrompt === "Be brief.", "system prompt");
    const again = await sdk.presets.createPresetsMessages({
      slug: "sdk-messages", messagesRequest: { model: "anthropic/claude-3.5-haiku", messages: [] } });
    must(again.data.designatedVersion.version === 2, "the next version");
  },
  "POST /presets/{slug}/responses (presets.createPresetsResponses)": async () => {
    const r = await sdk.presets.createPresetsResponses({
      slug: "sdk-responses",
      responsesRequest: { model: "openai/gpt-4o-mini", instructions: "Answer in French.", input: "Hi" },
    });
    must(r.data.designatedVersion.systemPrompt === "Answer in French.", "instructions as the system prompt");
    must(r.data.designatedVersion.config.input === undefined, "input is not config");
  },
  "GET /presets (presets.list)": async () => {
    await sdk.presets.createPresetsChatCompletions({ slug: "sdk-listed", chatRequest: chatRequest().chatRequest });
    const r = (await sdk.presets.list()).result;
    must(r.totalCount >= 1 && r.data[0].slug === "sdk-listed", "the latest preset first");
    const paged = (await sdk.presets.list({ offset: 0, limit: 1 })).result;
    must(paged.data.length === 1 && paged.totalCount === r.totalCount, "a page of one");
  },
  "GET /presets/{slug} (presets.get)": async () => {
    await sdk.presets.createPresetsChatCompletions({ slug: "sdk-got", chatRequest: chatRequest().chatRequest });
    const r = await sdk.presets.get({ slug: "sdk-got" });
    must(r.data.slug === "sdk-got" && r.data.designatedVersion.config.model === "openai/gpt-4o-mini", "the preset");
    await expectError(() => sdk.presets.get({ slug: "sdk-none" }), errors.NotFoundResponseError, 404);
    await expectError(() => anonymous.presets.get({ slug: "sdk-got" }), errors.UnauthorizedResponseError, 401);
  },
  "GET /presets/{slug}/versions (presets.listVersions)": async () => {
    for (const temperature of [0.1, 0.2])
      await sdk.presets.createPresetsChatCompletions({ slug: "sdk-versions", chatRequest: chatRequest({ temperature }).chatRequest });
    const r = (await sdk.presets.listVersions({ slug: "sdk-versions" })).result;
    must(r.totalCount === 2 && r.data.map((v) => v.version).join() === "1,2", "versions 1 and 2, oldest first");
    await expectError(() => sdk.presets.listVersions({ slug: "sdk-none" }), errors.NotFoundResponseError, 404);
  },
  "GET /presets/{slug}/versions/{version} (presets.getVersion)": async () => {
    await sdk.presets.createPresetsChatCompletions({ slug: "sdk-version", chatRequest: chatRequest({ temperature: 0.4 }).chatRequest });
    const r = await sdk.presets.getVersion({ slug: "sdk-version", version: "1" });
    must(r.data.version === 1 && r.data.config.temperature === 0.4, "version 1");
    await expectError(() => sdk.presets.getVersion({ slug: "sdk-version", version: "2" }), errors.NotFoundResponseError, 404);
  },
  "POST /embeddings (embeddings.generate)": async () => {
    const model = "openai/text-embedding-3-small";
    const one = await sdk.embeddings.generate({ requestBody: { model, input: "The quick brown fox" } });
    must(one.data.length === 1 && one.data[0].embedding.length === 1536, "one input, 1536 floats");
    const batch = await sdk.embeddings.generate({ requestBody: { model, input: ["a", "b", "c"], dimensions: 8 } });
    must(batch.data.length === 3 && batch.data.every((d) => d.embedding.length === 8), "three inputs, 8 floats each");
    const b64 = await sdk.embeddings.generate({ requestBody: { model, input: ["a"], dimensions: 8, encodingFormat: "base64" } });
    const bytes = Buffer.from(b64.data[0].embedding, "base64");
    const floats = Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
    must(JSON.stringify(floats) === JSON.stringify(batch.data[0].embedding), "base64 decodes to the float answer");
    await expectError(() => sdk.embeddings.generate({ requestBody: { model: "openai/gpt-4o-mini", input: "x" } }),
                      errors.NotFoundResponseError, 404);
    await expectError(() => sdk.embeddings.generate({ requestBody: { model, input: "x", dimensions: 0 } }),
                      errors.BadRequestResponseError, 400);
  },
  "GET /embeddings/models (embeddings.listModels)": async () => {
    const r = (await sdk.embeddings.listModels()).result;  // a page iterator; its first page
    must(r.data.length > 0 && r.data.every((m) => m.architecture.outputModalities.includes("embeddings")),
         "not only embedding models");
  },
  // --- rerank, images, audio ---
  "POST /rerank (rerank.rerank)": async () => {
    const documents = ["Berlin is the capital of Germany.", "Paris is the capital of France.",
                       { text: "Bananas", image: "https://x/banana.png" }];
    const r = await sdk.rerank.rerank({ requestBody: { model: "cohere/rerank-v3.5", query: "capital of France",
                                                       documents, topN: 2 } });
    must(r.results.length === 2 && r.results[0].index === 1, `ranking ${JSON.stringify(r.results)}`);
    must(r.usage.cost > 0, "usage.cost");
    await expectError(() => sdk.rerank.rerank({ requestBody: { model: "nobody/nothing", query: "q", documents } }),
                      errors.NotFoundResponseError, 404);
    await expectError(() => sdk.rerank.rerank({ requestBody: { model: "fault/429", query: "q", documents } }),
                      errors.TooManyRequestsResponseError, 429);
  },
  "POST /images (images.generate)": async () => {
    const r = await sdk.images.generate({ imageGenerationRequest: { model: "black-forest-labs/flux-1-schnell",
                                                                    prompt: "a red panda", n: 2, aspectRatio: "16:9" } });
    must(r.data.length === 2, `${r.data.length} images`);
    const png = Buffer.from(r.data[0].b64Json, "base64");
    must(png.subarray(1, 4).toString() === "PNG", "not a PNG");
    must(r.usage.cost > 0, "usage.cost");
    await expectError(() => sdk.images.generate({ imageGenerationRequest: { model: "openai/gpt-4o-mini", prompt: "x" } }),
                      errors.NotFoundResponseError, 404);
    await expectError(() => sdk.images.generate({ imageGenerationRequest: { model: "fault/402", prompt: "x" } }),
                      errors.PaymentRequiredResponseError, 402);
  },
  "GET /images/models (images.listModels)": async () => {
    const r = await sdk.images.listModels();
    must(r.data.length > 0 && r.data.every((m) => m.architecture.outputModalities.includes("image")), "not only image models");
  },
  "POST /audio/speech (tts.createSpeech)": async () => {
    const stream = await sdk.tts.createSpeech({ speechRequest: { model: "openai/gpt-4o-mini-tts", input: "Hello",
                                                                  responseFormat: "mp3" } });
    const bytes = Buffer.from(await new Response(stream).arrayBuffer());
    must(bytes.length > 0 && bytes[0] === 0xff, `${bytes.length} bytes, not MPEG frames`);
    await expectError(() => sdk.tts.createSpeech({ speechRequest: { model: "fault/503", input: "x" } }),
                      errors.ServiceUnavailableResponseError, 503);
  },
  "POST /audio/transcriptions (stt.createTranscriptionMultipart)": async () => {
    const wav = Buffer.alloc(44 + 96000);  // a WAV header and 1 s of 48 kHz 16-bit silence
    wav.write("RIFF", 0); wav.writeUInt32LE(36 + 96000, 4); wav.write("WAVEfmt ", 8); wav.writeUInt32LE(16, 16);
    wav.writeUInt16LE(1, 20); wav.writeUInt16LE(1, 22); wav.writeUInt32LE(48000, 24); wav.writeUInt32LE(96000, 28);
    wav.writeUInt16LE(2, 32); wav.writeUInt16LE(16, 34); wav.write("data", 36); wav.writeUInt32LE(96000, 40);
    const r = await sdk.stt.createTranscriptionMultipart({ requestBody: {
      file: { fileName: "hello \"there\".wav", content: wav }, model: "openai/whisper-large-v3",
      responseFormat: "verbose_json", timestampGranularities: ["word", "segment"] } });
    must(r.text.length > 0 && r.duration === 1 && r.words.length === 2, `answer ${JSON.stringify(r).slice(0, 200)}`);
    must(r.usage.cost > 0 && r.usage.seconds === 1, "usage");
    await expectError(() => sdk.stt.createTranscriptionMultipart({ requestBody: {
      file: { fileName: "a.wav", content: wav }, model: "nobody/nothing" } }), errors.NotFoundResponseError, 404);
  },
  "POST /audio/transcriptions JSON (stt.createTranscription)": async () => {
    const r = await sdk.stt.createTranscription({ sttRequest: { model: "openai/whisper-large-v3",
      inputAudio: { data: Buffer.alloc(64000).toString("base64"), format: "wav" } } });
    must(r.text.length > 0 && r.usage.seconds === 2, `answer ${JSON.stringify(r).slice(0, 200)}`);
  },
  "GET /activity (analytics.getUserActivity)": async () => {
    await sdk.chat.send(chatRequest());
    const r = await mgmt.analytics.getUserActivity();
    must(r.data.length > 0 && r.data.every((row) => row.requests > 0), "no activity rows after a completion");
    const none = await mgmt.analytics.getUserActivity({ date: "2000-01-01" });
    must(none.data.length === 0, "rows for a date with no completion");
    await expectError(() => mgmt.analytics.getUserActivity({ date: "soon" }), errors.BadRequestResponseError, 400);
    if (args["management-key"])
      await expectError(() => sdk.analytics.getUserActivity(), errors.ForbiddenResponseError, 403);
  },
  "GET /endpoints/zdr (endpoints.listZdrEndpoints)": async () => {
    const r = await sdk.endpoints.listZdrEndpoints();
    must(r.data.length > 0, "no ZDR endpoint");
  },
  "GET /model/{author}/{slug} (models.get)": async () => {
    const r = await sdk.models.get({ author: "openai", slug: "gpt-4o-mini" });
    must(r.data.id === "openai/gpt-4o-mini", `got ${r.data.id}`);
    await expectError(() => sdk.models.get({ author: "nobody", slug: "nothing" }), errors.NotFoundResponseError, 404);
  },
  "GET /generation/content (generations.listGenerationContent)": async () => {
    const r = await sdk.chat.send(chatRequest());
    let g;
    for (let i = 0; i < 100; ++i) {  // the record may lag, as for /generation
      try {
        g = await sdk.generations.listGenerationContent({ id: r.id });
        break;
      } catch (e) {
        if (!(e instanceof errors.NotFoundResponseError)) throw e;
        await new Promise((ok) => setTimeout(ok, 50));
      }
    }
    must(g && g.data.output.completion === r.choices[0].message.content, "stored completion differs");
    await expectError(() => sdk.generations.listGenerationContent({ id: "gen-unknown" }), errors.NotFoundResponseError, 404);
  },
  "POST /chat/completions (chat.send)": async () => {
    const r = await sdk.chat.send(chatRequest());
    must(r.choices.length === 1, "no choice");
    const tools = await sdk.chat.send(chatRequest({
      tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object",
               properties: { city: { type: "string" } }, required: ["city"] } } }],
      messages: [{ role: "user", content: "Weather in Paris?" }],
    }));
    must(tools.choices[0].finishReason === "tool_calls", `finish ${tools.choices[0].finishReason}`);
    await sdk.chat.send(chatRequest({ model: "anthropic/claude-sonnet-4.5", reasoning: { effort: "high" } }));
    await expectError(() => sdk.chat.send(chatRequest({ model: "fault/429" })), errors.TooManyRequestsResponseError, 429);
    await expectError(() => anonymous.chat.send(chatRequest()), errors.UnauthorizedResponseError, 401);
  },
  "POST /chat/completions stream (chat.send)": async () => {
    const events = await drain(await sdk.chat.send(chatRequest({ stream: true, streamOptions: { includeUsage: true } })));
    must(events.length > 1, `${events.length} events`);
    must(events.some((e) => e.usage), "no usage chunk");
  },
  "POST /responses (responses.send)": async () => {
    const base = { model: "openai/gpt-4o-mini", input: "Say hello" };
    const r = await sdk.responses.send({ responsesRequest: base });
    must(r.status === "completed" && r.output.length === 1, `status ${r.status}, ${r.output?.length} items`);
    const tools = await sdk.responses.send({ responsesRequest: { ...base, input: "Weather in Paris?",
      tools: [{ type: "function", name: "get_weather", parameters: { type: "object",
               properties: { city: { type: "string" } }, required: ["city"] } }] } });
    must(tools.output[0].type === "function_call", `first item ${tools.output[0].type}`);
    await sdk.responses.send({ responsesRequest: { ...base, model: "anthropic/claude-sonnet-4.5", reasoning: { effort: "high" } } });
    await expectError(() => sdk.responses.send({ responsesRequest: { ...base, model: "fault/429" } }),
                      errors.TooManyRequestsResponseError, 429);
    await expectError(() => anonymous.responses.send({ responsesRequest: base }), errors.UnauthorizedResponseError, 401);
  },
  "POST /responses stream (responses.send)": async () => {
    const events = allKnown(await drain(await sdk.responses.send({ responsesRequest: { model: "openai/gpt-4o-mini",
                                                                                        input: "Say hello", stream: true } })),
                            "text stream");
    must(events.length > 4, `${events.length} events`);
    must(events[0].type === "response.created", `first ${events[0].type}`);
    must(events.at(-1).type === "response.completed", `last ${events.at(-1).type}`);
    must(events.some((e) => e.type === "response.output_text.delta"), "no text delta");
    const tools = allKnown(await drain(await sdk.responses.send({ responsesRequest: { model: "openai/gpt-4o-mini",
      input: "Weather in Paris?", stream: true,
      tools: [{ type: "function", name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } }] } })),
      "function-call stream");
    must(tools.some((e) => e.type === "response.function_call_arguments.delta"), "no arguments delta");
    must(tools.some((e) => e.type === "response.function_call_arguments.done" && e.name === "get_weather"),
         "no arguments done naming the function");
    allKnown(await drain(await sdk.responses.send({ responsesRequest: { model: "anthropic/claude-sonnet-4.5",
      input: "Think first", reasoning: { effort: "high" }, stream: true } })), "reasoning stream");
    const failed = allKnown(await drain(await sdk.responses.send({ responsesRequest: {
      model: "fault/mid_stream_error;after_tokens=2", input: "Say hello", stream: true } })), "error stream");
    must(failed.at(-1).type === "error", `last ${failed.at(-1).type}`);
    const limited = allKnown(await drain(await sdk.responses.send({ responsesRequest: {
      model: "fault/mid_stream_error;after_tokens=2;status=429", input: "Say hello", stream: true } })), "rate-limit error stream");
    must(limited.at(-1).code === "rate_limit_exceeded", `code ${limited.at(-1).code}`);
    const failedResponse = allKnown(await drain(await sdk.responses.send({ responsesRequest: {
      model: "fault/error_in_body;after_tokens=2", input: "Say hello", stream: true } })), "failed stream");
    must(failedResponse.at(-1).type === "response.failed", `last ${failedResponse.at(-1).type}`);
  },
  "GET /generation (generations.getGeneration)": async () => {
    const r = await sdk.chat.send(chatRequest());
    let g;
    for (let i = 0; i < 100; ++i) {  // the mock may lag like the real store (--generation-delay-ms)
      try {
        g = await sdk.generations.getGeneration({ id: r.id });
        break;
      } catch (e) {
        if (!(e instanceof errors.NotFoundResponseError)) throw e;
        await new Promise((ok) => setTimeout(ok, 50));
      }
    }
    must(g && g.data.id === r.id, "generation not found");
    await expectError(() => sdk.generations.getGeneration({ id: "gen-unknown" }), errors.NotFoundResponseError, 404);
  },
};

let failed = 0;
for (const [name, check] of Object.entries(checks)) {
  if (only && !only.has(name)) continue;
  try {
    await check();
    console.log(`ok ${name}`);
  } catch (e) {
    ++failed;
    console.log(`FAIL ${name}: ${describe(e)}`);
  }
}
console.log(`${Object.keys(checks).length} checks, ${failed} failed (@openrouter/sdk ${(await import("@openrouter/sdk/package.json", { with: { type: "json" } })).default.version})`);
process.exit(failed ? 1 : 0);
