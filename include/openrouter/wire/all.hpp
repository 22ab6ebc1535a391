#pragma once
// Every wire type: requests, responses, stream chunks, errors, catalog, generation and key,
// embeddings, account, the Responses API, key management, presets, rerank, images, audio.
#include <openrouter/wire/activity.hpp>
#include <openrouter/wire/api_keys.hpp>
#include <openrouter/wire/audio.hpp>
#include <openrouter/wire/chat_chunk.hpp>
#include <openrouter/wire/chat_request.hpp>
#include <openrouter/wire/chat_response.hpp>
#include <openrouter/wire/embeddings.hpp>
#include <openrouter/wire/error_body.hpp>
#include <openrouter/wire/generation.hpp>
#include <openrouter/wire/images.hpp>
#include <openrouter/wire/json.hpp>
#include <openrouter/wire/key.hpp>
#include <openrouter/wire/message.hpp>
#include <openrouter/wire/messages.hpp>
#include <openrouter/wire/models.hpp>
#include <openrouter/wire/percentiles.hpp>
#include <openrouter/wire/presets.hpp>
#include <openrouter/wire/rerank.hpp>
#include <openrouter/wire/responses.hpp>
#include <openrouter/wire/usage.hpp>
