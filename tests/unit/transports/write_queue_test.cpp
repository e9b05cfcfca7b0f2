// A connection's queue of frames waiting to be written: bounded in bytes, so that a client
// that does not read holds up at most that much, and never loses a frame it took.
#include "write_queue.hpp"

#include <memory>
#include <string>

#include <catch2/catch.hpp>

namespace {

using gw::transports::Frame;
using gw::transports::WriteQueue;

Frame frame_of(std::size_t bytes, char fill = 'x') {
  return std::make_shared<const std::string>(bytes, fill);
}

}  // namespace

TEST_CASE("frames are taken up to the bound and leave in order", "[write-queue]") {
  WriteQueue queue(100);
  CHECK(queue.push(frame_of(40, 'a')));
  CHECK(queue.push(frame_of(60, 'b')));  // exactly at the bound
  CHECK(queue.bytes() == 100);
  CHECK_FALSE(queue.push(frame_of(1, 'c')));  // over it: refused, nothing queued
  CHECK(queue.size() == 2);
  CHECK(queue.bytes() == 100);

  CHECK(queue.front()->front() == 'a');
  queue.pop();
  CHECK(queue.bytes() == 60);
  CHECK(queue.push(frame_of(40, 'c')));  // room again
  CHECK(queue.front()->front() == 'b');
  queue.pop();
  CHECK(queue.front()->front() == 'c');
  queue.pop();
  CHECK(queue.empty());
  CHECK(queue.bytes() == 0);
}

TEST_CASE("one frame larger than the bound is taken only when nothing else waits",
          "[write-queue]") {
  WriteQueue queue(100);
  CHECK(queue.push(frame_of(500)));  // a message at the size limit still goes out
  CHECK_FALSE(queue.push(frame_of(1)));
  queue.pop();

  WriteQueue behind(100);
  CHECK(behind.push(frame_of(1)));
  CHECK_FALSE(behind.push(frame_of(500)));
  CHECK(behind.size() == 1);
}

TEST_CASE("a frame shared with other recipients is counted in each queue, not copied",
          "[write-queue]") {
  const auto shared = frame_of(30);
  WriteQueue first(100);
  WriteQueue second(100);
  CHECK(first.push(shared));
  CHECK(second.push(shared));
  CHECK(first.front().get() == shared.get());
  CHECK(second.front().get() == shared.get());
  CHECK(first.bytes() == 30);
  CHECK(second.bytes() == 30);
}
