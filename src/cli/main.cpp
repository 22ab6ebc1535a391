// openrouter: a command-line client for the OpenRouter API (see `openrouter --help`).
#include "commands.hpp"

int main(int argc, char** argv) { return openrouter::cli::run(argc, argv); }
