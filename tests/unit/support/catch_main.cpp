// Catch2's main, compiled once: it is the slowest part of the test build.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
