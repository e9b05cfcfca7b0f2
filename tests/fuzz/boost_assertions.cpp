// Where Boost's assertions go in the fuzz targets (BOOST_ENABLE_ASSERT_HANDLER): a failed one
// stops the target, as assert() would, but for one of Beast 1.81's that is wrong. Its HTTP
// parser asserts that a last chunk's size line ("0\r\n" with the blank line after it) holds at
// least five bytes, and a valid "00\r\n" holds four; the code after the assertion reads it
// correctly (it asks for more input), as it does in every build without assertions. The input
// is corpus/fuzz_http_request/regression-chunk-size-with-leading-zero.
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace boost {

void assertion_failed(const char* expression, const char* function, const char* file, long line) {
  if (std::string_view(file).ends_with("beast/http/impl/basic_parser.ipp") &&
      std::string_view(expression) == "n >= 5")
    return;
  std::fprintf(stderr, "%s:%ld: %s: Assertion `%s' failed.\n", file, line, function, expression);
  std::abort();
}

void assertion_failed_msg(const char* expression, const char* message, const char* function,
                          const char* file, long line) {
  std::fprintf(stderr, "%s:%ld: %s: Assertion `%s' failed: %s\n", file, line, function, expression,
               message);
  std::abort();
}

}  // namespace boost
