#include "scripts.hpp"

#include <openssl/sha.h>

#include <cstdio>

namespace openrouter::fleet {

namespace {

std::string sha1_hex(std::string_view s) {
  unsigned char md[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(s.data()), s.size(), md);
  std::string out;
  out.reserve(2 * SHA_DIGEST_LENGTH);
  static constexpr char hex[] = "0123456789abcdef";
  for (unsigned char c : md) {
    out.push_back(hex[c >> 4]);
    out.push_back(hex[c & 15]);
  }
  return out;
}

script make(std::string_view body) { return script{body, sha1_hex(body)}; }

constexpr std::string_view admit_lua = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local id, ttl = ARGV[1], tonumber(ARGV[2])
local rpm, burst, mrpm, mburst = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local max_all, max_model = tonumber(ARGV[7]), tonumber(ARGV[8])
local budget, floor, poll = tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])

-- leases whose holder stopped renewing them: gone, their reservations charged
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
for _, d in ipairs(dead) do
  local amt = redis.call('HGET', KEYS[7], d)
  if amt then
    redis.call('INCRBYFLOAT', KEYS[6], amt)
    redis.call('HINCRBYFLOAT', KEYS[8], 'reserved', '-' .. amt)
    redis.call('HDEL', KEYS[7], d)
  end
end
if #dead > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now) end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)

local cool = redis.call('PTTL', KEYS[5])
if cool > 0 then return {'cooling', cool} end

local spent = tonumber(redis.call('GET', KEYS[6]) or '0')
local reserved = 0
if budget > 0 then
  -- the running total of the reservations (O(1)); none left: exactly zero, whatever the float drift
  if redis.call('HLEN', KEYS[7]) > 0 then reserved = tonumber(redis.call('HGET', KEYS[8], 'reserved') or '0') end
  if spent + reserved >= budget then return {'spent', 0, tostring(spent)} end
end

if max_all > 0 and redis.call('ZCARD', KEYS[1]) >= max_all then return {'wait', poll, 'in_flight'} end
if max_model > 0 and redis.call('ZCARD', KEYS[2]) >= max_model then return {'wait', poll, 'in_flight_model'} end

-- token buckets: looked at both, then taken from both
local function level(key, rate_pm, size)
  local b = redis.call('HMGET', key, 'tokens', 'ts')
  local tokens, ts = tonumber(b[1]), tonumber(b[2])
  if not tokens then return size end
  if now > ts then tokens = math.min(size, tokens + (now - ts) * rate_pm / 60000) end
  return tokens
end
local function due(tokens, rate_pm)
  if tokens >= 1 then return 0 end
  return math.ceil((1 - tokens) * 60000 / rate_pm)
end
local kt, mt = 0, 0
local wait = 0
if rpm > 0 then
  kt = level(KEYS[3], rpm, burst)
  wait = math.max(wait, due(kt, rpm))
end
if mrpm > 0 then
  mt = level(KEYS[4], mrpm, mburst)
  wait = math.max(wait, due(mt, mrpm))
end
if wait > 0 then return {'wait', wait, 'rate'} end
local function take(key, tokens, rate_pm, size)
  redis.call('HSET', key, 'tokens', tostring(tokens - 1), 'ts', now)
  redis.call('PEXPIRE', key, math.ceil(size * 60000 / rate_pm) + 60000)
end
if rpm > 0 then take(KEYS[3], kt, rpm, burst) end
if mrpm > 0 then take(KEYS[4], mt, mrpm, mburst) end

redis.call('ZADD', KEYS[1], now + ttl, id)
redis.call('ZADD', KEYS[2], now + ttl, id)
local estimate = floor
local n = tonumber(redis.call('HGET', KEYS[8], 'n') or '0')
if n > 0 then
  local mean = tonumber(redis.call('HGET', KEYS[8], 'total')) / n
  if mean > estimate then estimate = mean end
end
redis.call('HSET', KEYS[7], id, tostring(estimate))
redis.call('HINCRBYFLOAT', KEYS[8], 'reserved', tostring(estimate))
return {'go', 0, tostring(estimate), tostring(spent)}
)lua";

constexpr std::string_view end_lua = R"lua(
local id, mode, cost = ARGV[1], ARGV[2], tonumber(ARGV[3])
redis.call('ZREM', KEYS[1], id)
redis.call('ZREM', KEYS[2], id)
local amt = redis.call('HGET', KEYS[4], id)
if amt then
  redis.call('HDEL', KEYS[4], id)
  redis.call('HINCRBYFLOAT', KEYS[5], 'reserved', '-' .. amt)
end
if mode == 'cost' then
  redis.call('INCRBYFLOAT', KEYS[3], tostring(cost))
  redis.call('HINCRBYFLOAT', KEYS[5], 'total', tostring(cost))
  redis.call('HINCRBY', KEYS[5], 'n', 1)
elseif mode == 'unknown' and amt then
  redis.call('INCRBYFLOAT', KEYS[3], amt)
end
return redis.call('GET', KEYS[3]) or '0'
)lua";

constexpr std::string_view cool_lua = R"lua(
local ms = tonumber(ARGV[1])
local left = redis.call('PTTL', KEYS[1])
if left < ms then
  redis.call('SET', KEYS[1], '1', 'PX', ms)
  return ms
end
return left
)lua";

constexpr std::string_view renew_lua = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ = now + tonumber(ARGV[1])
local held = 0
for i = 2, #ARGV do
  held = held + redis.call('ZADD', KEYS[1], 'XX', 'CH', until_, ARGV[i])
  redis.call('ZADD', KEYS[i], 'XX', until_, ARGV[i])
end
return held
)lua";

}  // namespace

const script& admit_script() {
  static const script s = make(admit_lua);
  return s;
}
const script& end_script() {
  static const script s = make(end_lua);
  return s;
}
const script& cool_script() {
  static const script s = make(cool_lua);
  return s;
}
const script& renew_script() {
  static const script s = make(renew_lua);
  return s;
}

}  // namespace openrouter::fleet
