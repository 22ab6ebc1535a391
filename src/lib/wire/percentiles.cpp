#include "codecs.hpp"

namespace openrouter::wire {

namespace {
using namespace detail;

constexpr auto percentiles_fields = std::tuple{
    opt("p50", &percentiles::p50),
    opt("p75", &percentiles::p75),
    opt("p90", &percentiles::p90),
    opt("p99", &percentiles::p99),
};

}  // namespace

OPENROUTER_WIRE_DEFINE_CONVERSIONS(percentiles, percentiles_fields)

}  // namespace openrouter::wire
