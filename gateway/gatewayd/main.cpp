// gatewayd: the gw messaging gateway.
#include <gw/gatewayd/gatewayd.hpp>

int main(int argc, char** argv) {
  return gw::gatewayd::run(argc, argv);
}
