#pragma once
// Precompiled once per test executable (see test/CMakeLists.txt): the heavy headers nearly every
// test file parses (Boost.Test, Boost.JSON, the client's Asio types, the mock). Test files still
// include what they use; this only makes including it cheap.

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/test/unit_test.hpp>

#include <openrouter/client.hpp>
#include <openrouter/mock/server.hpp>
#include <openrouter/router.hpp>
#include <openrouter/wire/all.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>
