#pragma once
// POST /audio/speech and POST /audio/transcriptions of openrouter-mock (sans-I/O).
//
// Speech is silence of a length that grows with the input (60 ms a character, at most 10 s):
// "pcm" (the default) raw 24 kHz mono 16-bit little-endian samples, audio/pcm; "wav" the same
// behind a RIFF header, audio/wav; "mp3" silent MPEG-1 Layer III frames, audio/mpeg.
// Transcriptions read a multipart/form-data upload (or the JSON form with base64 input_audio);
// the text derives from the audio bytes, its length from the audio's duration (a WAV header's,
// else one second per 32,000 bytes). "fault/..." model names and the scenario's faults apply.

#include "reply.hpp"
#include "state.hpp"

#include <string_view>

namespace openrouter::mock {

http_reply handle_speech(mock_state& state, std::string_view body);
http_reply handle_transcription(mock_state& state, std::string_view content_type, std::string_view body);

}  // namespace openrouter::mock
