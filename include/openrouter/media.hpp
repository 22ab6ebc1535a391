#pragma once
// Media: data URLs, the remote-asset policy, image generation and PDF input.
// The server-side fetch of an allowlisted asset is client::async_fetch_asset.

#include <openrouter/media/data_url.hpp>
#include <openrouter/media/images.hpp>
#include <openrouter/media/pdf.hpp>
#include <openrouter/media/remote_assets.hpp>
