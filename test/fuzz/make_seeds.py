#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (test/fuzz/corpus/<target>/seed-*). Run it from
anywhere after changing a seed; findings are added by hand as corpus/<target>/finding-<what>.
The seeds are small, valid and near-valid inputs that reach each decoder's branches."""
import gzip
import hashlib
import ipaddress
import json
import os
import struct

here = os.path.dirname(os.path.abspath(__file__))


def write(target, items):
    d = os.path.join(here, "corpus", target)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        if f.startswith("seed-"):
            os.remove(os.path.join(d, f))
    for data in items:
        if isinstance(data, str):
            data = data.encode()
        name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


def j(v):
    return json.dumps(v, separators=(",", ":"))


chat_response = {"id": "gen-1", "provider": "OpenAI", "model": "openai/gpt-4o-mini", "object": "chat.completion",
                 "created": 1754313000, "choices": [{"index": 0, "finish_reason": "stop", "native_finish_reason": "stop",
                 "logprobs": None, "message": {"role": "assistant", "content": "Hello", "refusal": None,
                 "reasoning": None, "tool_calls": [{"id": "c1", "type": "function", "index": 0,
                 "function": {"name": "f", "arguments": "{\"a\":1}"}}]}}],
                 "usage": {"prompt_tokens": 10, "completion_tokens": 2, "total_tokens": 12, "cost": 0.00012,
                           "prompt_tokens_details": {"cached_tokens": 0}, "completion_tokens_details": {"reasoning_tokens": 0}}}
model = {"id": "openai/gpt-4o-mini", "canonical_slug": "openai/gpt-4o-mini", "name": "GPT-4o mini", "created": 1721260800,
         "context_length": 128000, "architecture": {"modality": "text+image->text", "input_modalities": ["text", "image"],
         "output_modalities": ["text"], "tokenizer": "GPT"}, "pricing": {"prompt": "0.00000015", "completion": "0.0000006"},
         "top_provider": {"context_length": 128000, "max_completion_tokens": 16384, "is_moderated": True},
         "supported_parameters": ["tools", "response_format"], "per_request_limits": None}
endpoints = {"data": {"id": "openai/gpt-4o-mini", "name": "GPT-4o mini", "created": 1, "architecture": {},
             "endpoints": [{"name": "OpenAI", "provider_name": "OpenAI", "context_length": 128000, "pricing": {"prompt": "0"},
             "status": 0, "uptime_last_30m": 99.5, "latency_last_30m": {"p50": 0.2, "p99": 1.5}}]}}
providers = {"data": [{"name": "OpenAI", "slug": "openai", "privacy_policy_url": None, "status_page_url": "https://x"}]}
generation = {"data": {"id": "gen-1", "total_cost": 0.0012, "created_at": "2025-08-04T12:00:00Z", "model": "m",
              "streamed": True, "tokens_prompt": 10, "native_tokens_completion": 5, "provider_responses": [{"status": 200}]}}
key = {"data": {"label": "sk-or-v1-abc...", "limit": 10, "usage": 1.5, "limit_remaining": 8.5, "is_free_tier": False,
       "rate_limit": {"requests": 10, "interval": "10s"}}}
credits = {"data": {"total_credits": 20.5, "total_usage": 3.25}}
usage = {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3, "cost": 1e-6, "is_byok": False,
         "cost_details": {"upstream_inference_cost": None}, "server_tool_use": {"web_search_requests": 1}}
request = {"model": "openai/gpt-4o-mini", "messages": [{"role": "system", "content": "be brief"},
           {"role": "user", "content": [{"type": "text", "text": "hi"}, {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}]}],
           "stream": True, "max_tokens": 16, "temperature": 0.7, "tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}],
           "response_format": {"type": "json_schema", "json_schema": {"name": "s", "schema": {"type": "object"}}},
           "provider": {"order": ["openai"], "allow_fallbacks": False, "max_price": {"prompt": 1}}, "models": ["a", "b"]}
error = {"error": {"code": 429, "message": "Rate limited", "metadata": {"provider_name": "OpenAI", "raw": "x",
         "error_type": "rate_limit", "reasons": ["x"], "flagged_input": "y"}, "availability": {"retry_after": 2.5, "retryable": True}},
         "user_id": "u1"}
wire = []
for sel, doc in [(0, chat_response), (1, {"data": [model]}), (2, {"data": model}), (3, endpoints), (4, providers),
                 (5, generation), (6, key), (7, credits), (8, usage), (9, request), (10, error), (11, error)]:
    wire.append(bytes([sel]) + j(doc).encode())
wire += [bytes([11]) + b'{"error":"Unauthorized"}', bytes([11]) + b"<html>502 Bad Gateway</html>",
         bytes([11]) + b'{"error":{"code":"server_error","message":null,"http_status":503}}',
         bytes([0]) + b'{"choices":[{"index":1.0,"message":{"content":null}}],"created":1e3}',
         bytes([6]) + b'{"data":null}', bytes([2]) + b'{"data":{"id":"m","pricing":{"prompt":"-1","completion":7}}}']
write("wire_body_fuzz", wire)

chunks = [
    '{"id":"gen-1","provider":"OpenAI","model":"openai/gpt-4o-mini","object":"chat.completion.chunk","created":1754313000,'
    '"choices":[{"index":0,"delta":{"role":"assistant","content":"Hello"},"finish_reason":null,"native_finish_reason":null,'
    '"logprobs":null}],"system_fingerprint":"fp_7a1b2c3d4e"}',
    '{"id":"g","choices":[{"index":0,"delta":{"content":"a\\"b\\\\c\\u00e9\\ud83d\\ude00"},"finish_reason":"stop"}]}',
    '{"id":"g","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c","function":{"name":"f","arguments":"{"}}]}}]}',
    '{"id":"g","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3,"cost":0.1}}',
    '{"id":"g","choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}],"error":{"code":502,"message":"x"}}',
    '{"id":"g","choices":[{"index":0,"delta":{"content":"x","content":"y"}}]}',
    '{"id":"g","created":1.0,"choices":[{"index":0,"delta":{"reasoning":"r","refusal":null}},{"index":1}]}',
    '{"choices":[{"index":9223372036854775808}]}',
    '{"id":"g","unknown":{"a":[1,{"b":null}]},"choices":[{"index":0,"delta":{"\\u0063ontent":"e"}}]}',
    '{"id":"g","choices":[{"index":0,"delta":{"content":"x"}}]',
]
write("chat_chunk_fuzz", [bytes([i % 5]) + c.encode() for i, c in enumerate(chunks)])

policies = [open(os.path.join(here, "..", "..", "scripts", "demo", f)).read() for f in ("policy.json", "policy_real_api.json")]
policies += [j({"models": ["a/b", "c/d"], "server_side_fallback": True, "max_attempts": 6, "max_attempts_per_model": 3,
                "deadline_ms": 300000, "attempt_timeout_ms": 0,
                "backoff": {"initial_ms": 250, "multiplier": 2, "max_ms": 10000, "jitter": "equal", "retry_after_cap_ms": 20000,
                            "fallback_over_ms": 1000},
                "breaker": {"enabled": True, "window_ms": 30000, "min_requests": 20, "failure_ratio": 0.6, "open_ms": 5000,
                            "max_open_ms": 60000, "half_open_probes": 1},
                "retry_budget": {"enabled": True, "ratio": 0.2, "window_ms": 10000, "min_retries": 10},
                "max_cost_usd": 5.0, "max_request_cost_usd": 0.05, "filter_by_catalog": True, "catalog_max_age_ms": 600000,
                "require_parameters": True,
                "limits": {"max_in_flight": 256, "max_in_flight_per_model": 64, "requests_per_minute": 600, "burst": 20,
                           "adaptive": True, "poll_ms": 1000},
                "hedge": {"enabled": True, "delay_ms": 0, "quantile": 0.95, "min_samples": 20, "min_delay_ms": 50,
                          "max_delay_ms": 5000, "max_hedges": 1},
                "overrides": {"not_found": "stop", "rate_limited": "next_model"}}),
             '{"backoff":{"multiplier":1000,"initial_ms":1e12,"max_ms":1e12,"jitter":"none"},"breaker":{"open_ms":1e12,"max_open_ms":0,"window_ms":0,"min_requests":0}}',
             '{"max_attempts":1.5}', '{"hedge":{"quantile":0}}', '{"overrides":{"bogus":"stop"}}', '{"deadline_ms":-1}',
             '{"retry_budget":{"ratio":1000,"window_ms":1,"min_retries":1000000}}', "[]", "{}"]
write("policy_fuzz", policies)

scen = open(os.path.join(here, "..", "..", "scripts", "demo", "mock_scenario.json")).read()
scenarios = [bytes([0]) + scen.encode()]
scenarios += [bytes([0]) + j(x).encode() for x in [
    {"seed": 1, "generation_delay_ms": 10, "connection": {"close_after_requests": 3, "announce_close": True},
     "defaults": {"ttft_ms": 1, "itl_ms": 1, "tokens": 4, "write_mode": "per_event", "comments_before": 0, "comment_every": 2,
                  "faults": [{"kind": "stall", "seconds": 0.5, "after_tokens": 2, "stream": True, "count": 1}]},
     "models": {"v/*": {"faults": [{"kind": "rate_limit", "requests": 1, "window_s": 0.5}]},
                "v/m": {"replies": [{"content": "{}"}, {"tool_calls": [{"name": "f", "arguments": {"a": 1}}]}]},
                "e/*": {"faults": [{"kind": "wrapped_transient"}, {"kind": "error_in_body", "string_code": True,
                                    "message": "m", "error_type": "t", "retry_after": 1}]}}},
    {"generation_delay_ms": 1e300}, {"seed": -1}, {"defaults": {"tokens": 2.5}},
    {"models": {"x": {"faults": [{"kind": "rate_limit", "requests": 0, "window_s": 1e300}]}}},
]]
scenarios += [bytes([1]) + s.encode() for s in [
    "fault/503", "fault/http_error;status=429;retry_after=2", "fault/reset;after_tokens=5", "fault/stall;seconds=1e300",
    "fault/rate_limit;requests=0;window_s=1e300", "fault/mid_stream_error;after_tokens=3;tokens=10;ttft_ms=5",
    "fault/malformed_json", "fault/no_done;after_tokens=1", "fault/429;rate=0.5;count=2", "fault/x=1", "openai/gpt-4o",
]]
write("scenario_fuzz", scenarios)

png = b"\x89PNG\r\n\x1a\n" + b"\0" * 8
write("data_url_fuzz", [
    "data:image/png;base64,iVBORw0KGgoAAAAA", "DATA:Image/PNG;charset=x;BASE64,AAAA", "data:application/pdf;base64,JVBERi0xLjQ=",
    "data:text/plain,hello", "data:;base64,AAAA", "data:/png;base64,AAAA", "data:image/png;base64,AA=A", "data:image/png;base64,A===",
    "QUJD", "QUI=", "QQ==", "", "%PDF-1.7", png, b"\xff\xd8\xff\xe0", b"RIFF\0\0\0\0WEBPVP8 ", "GIF89a", "image.JPEG",
])

write("origin_fuzz", [
    "https://api.example.com/api/v1", "http://127.0.0.1:8080/api/v1/", "https://[::1]:8443", "https://[fe80::1%25eth0]/x",
    "https://user@host/", "https://host/?q", "https://host/#f", "https://host:0/", "https://host:65536/", "ftp://host/",
    "https://HOST.example:443//a//", "http://h:80", "https://%41.example/", "https://[v1.x]/", "data:image/png;base64,AAAA",
    "https:///path", "https://h/a%20b", " https://h/",
])

addr = []
for v4 in [(127, 0, 0, 1), (10, 1, 2, 3), (8, 8, 8, 8), (169, 254, 169, 254), (192, 0, 0, 170), (198, 18, 0, 1), (0, 0, 0, 0),
           (255, 255, 255, 255), (100, 64, 0, 1), (224, 0, 0, 1)]:
    addr.append(bytes([0]) + bytes(v4) + bytes(12))
for v6 in ["::1", "::ffff:7f00:1", "64:ff9b::a00:1", "64:ff9b:1::1", "2002:7f00:1::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2",
           "fec0::1", "fd00:ec2::254", "2606:4700::1111", "ff02::1"]:
    addr.append(bytes([1]) + ipaddress.IPv6Address(v6).packed)
addr += ["127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::192.168.0.1", "fe80::1%eth0", "1.2.3", "0x7f.0.0.1"]
write("address_screen_fuzz", addr)


def gz(data, level=6, mtime=0):
    return gzip.compress(data, compresslevel=level, mtime=mtime)


body = j(chat_response).encode()
write("gzip_fuzz", [
    bytes([0, 200]) + gz(body), bytes([0, 70]) + gz(b"\0" * 100000), bytes([0, 200]) + gz(body)[:-5],
    bytes([0, 200]) + gz(body) + gz(b"second member"), bytes([0, 200]) + gz(body) + b"trailing garbage",
    bytes([0, 10]) + b"\x1f\x8b\x08\x00" + bytes(6), bytes([0, 0]) + gz(b""), bytes([1, 200]) + body, bytes([3, 5]) + body,
    bytes([1, 0]), bytes([0, 200]) + bytes.fromhex("1f8b08080000000000ff6100") + bytes(8),
])

prompts = open(os.path.join(here, "..", "..", "scripts", "demo", "prompts.jsonl")).read().splitlines()
write("jsonl_fuzz", [
    bytes([0]) + ("\n".join(prompts[:4]) + "\n").encode(),
    bytes([0x21]) + b'{"id":"a","messages":[]}\n{"id":"a"}\n\n  \t\r\n{"id":1}\n{"id":""}\n[1]\nnot json\n{"x":1}',
    bytes([0]) + b'{"id":"3"}\n{"id":"line-3"}\n{"id":"3"}\n',
    bytes([0]) + b'{"id":"a","content":"x"}\n{"id":"b","error":{"class":"http"}}\n{"id":"a"}\n{"id":"c","cont',
    bytes([0x32]) + b'{"id":"2"}\n{"model":"m"}\n{"id":"2"}\n',
])

write("schema_fuzz", [
    j([{"type": "object", "properties": {"a": {"type": "string", "pattern": "^a+$"}}, "required": ["a"]}, {"a": "aaa"}, {"a": 1}]),
    j([{"$ref": "#/definitions/x", "definitions": {"x": {"anyOf": [{"$ref": "#/definitions/x"}, {"type": "null"}]}}}, None, 1]),
    j([{"items": [{"type": "integer"}], "additionalItems": False, "uniqueItems": True, "minItems": 1}, [1], [1, 2], [1.0]]),
    j([{"oneOf": [{"multipleOf": 0.01}, {"maximum": 5, "exclusiveMinimum": 1}], "not": {"const": 3}}, 2, 3, 1e308]),
    j([{"properties": {"d": {"format": "date-time"}, "e": {"format": "email"}, "u": {"format": "uri"}},
        "patternProperties": {"^x-": {"type": "boolean"}}, "additionalProperties": {"maxLength": 2},
        "propertyNames": {"pattern": "^[a-z-]+$"}, "dependencies": {"d": ["e"]}},
       {"d": "2025-08-04T12:00:00Z", "e": "a@b.c", "u": "https://x", "x-a": True, "zz": "abc"}]),
    j([{"if": {"type": "string"}, "then": {"minLength": 2, "contentEncoding": "base64", "contentMediaType": "application/json"},
        "else": {"enum": [1, [2], {"a": None}]}}, "e30=", [2], {"a": None}]),
    j([True, 1]), j([False, 1]), j([{"$ref": "http://example.com/x.json"}, 1]), j([{"pattern": "("}, 1]),
    j([{"pattern": "(a+)+$"}, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"]),
])

sse = [bytes([0, 3]) + s for s in [b"data: x\n\n", b": OPENROUTER PROCESSING\n\ndata: {\"a\":1}\r\n\r\ndata: [DONE]\n\n",
                                     b"event: e\nid: 1\nretry: 10\ndata\n\n", b"\xef\xbb\xbfdata:x\r\r\n\n"]]
sse.append(bytes([0x13, 9]) + b"data: 0123456789abcdef\n\ndata: x")
write("sse_parser_fuzz", sse)

write("header_values_fuzz", [
    "120", "0", "1.5", " 7 ", "86401", "99999999999999999999999", "1767225600000", "1767225600",
    "Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
    "Thu, 01 Jan 2026 00:00:10 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 29 Feb 2027 00:00:00 GMT",
    "1e30", "inf", "nan", "-1", "120abc", "", "1.", "0x10", struct.pack("<d", float("inf")),
])
