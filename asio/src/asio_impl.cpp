// Boost.Asio and Boost.Beast compiled once, here, instead of in every file that uses them
// (BOOST_ASIO_SEPARATE_COMPILATION and BOOST_BEAST_SEPARATE_COMPILATION): a large part of the
// build time of a Beast program is spent re-instantiating the same implementation.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
