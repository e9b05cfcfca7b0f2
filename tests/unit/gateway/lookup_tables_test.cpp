#include <fstream>
#include <thread>

#include <catch2/catch.hpp>

#include <gw/gateway/lookup_tables.hpp>

#include "test_support.hpp"

namespace {

using gw::gateway::LookupTables;
using gw::gateway::parse_table;
using gw::gateway::TableRows;

void write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

}  // namespace

TEST_CASE("CSV tables: quoted fields, a key column, clear errors", "[tables]") {
  const auto parsed =
      parse_table("id,room,note\r\nk1,kitchen,\"says \"\"hi\"\", twice\"\nb2,bath,\"two\nlines\"\n",
                  true, "id");
  const auto& rows = std::get<TableRows>(parsed);
  REQUIRE(rows.size() == 2);
  CHECK(rows.at("k1") ==
        nlohmann::json({{"id", "k1"}, {"room", "kitchen"}, {"note", "says \"hi\", twice"}}));
  CHECK(rows.at("b2")["note"] == "two\nlines");

  CHECK_THAT(std::get<std::string>(parse_table("id,room\nk1\n", true, "id")),
             Catch::Contains("record 2 has 1 fields, the header 2"));
  CHECK_THAT(std::get<std::string>(parse_table("name,room\nk1,x\n", true, "id")),
             Catch::Contains("key column 'id' is not in the header"));
  CHECK_THAT(std::get<std::string>(parse_table("id\n\"open", true, "id")), Catch::Contains("CSV"));
}

TEST_CASE("JSON tables: an array of objects or an object of objects", "[tables]") {
  const auto array = std::get<TableRows>(
      parse_table(R"([{"id": "k1", "celsius": 21}, {"id": 7, "celsius": 3}])", false, "id"));
  CHECK(array.at("k1")["celsius"] == 21);
  CHECK(array.at("7")["celsius"] == 3);
  const auto object = std::get<TableRows>(parse_table(R"({"k1": {"celsius": 21}})", false, "id"));
  CHECK(object.at("k1")["celsius"] == 21);
  CHECK_THAT(std::get<std::string>(parse_table(R"([{"name": 1}])", false, "id")),
             Catch::Contains("element 0"));
  CHECK_THAT(std::get<std::string>(parse_table("[1,", false, "id")), Catch::Contains("not valid"));
}

TEST_CASE("a table is read again when its file changes", "[tables]") {
  gw::test::TemporaryDirectory directory;
  const auto file = directory.path() / "rooms.csv";
  write(file, "id,temp\nk1,20\n");
  LookupTables tables({{"rooms", file, "id"}, {"missing", directory.path() / "none.json", "id"}});
  CHECK(tables.lookup("rooms", "k1").row["temp"] == "20");
  CHECK(tables.lookup("rooms", "k2").code == 404);
  CHECK(tables.lookup("nope", "k1").code == 404);
  const auto unreadable = tables.lookup("missing", "k1");
  CHECK(unreadable.code == 500);
  CHECK_THAT(unreadable.text, Catch::Contains("cannot be read"));

  write(file, "id,temp\nk1,22\nk2,18\n");  // another size: seen even within the same tick
  CHECK(tables.lookup("rooms", "k1").row["temp"] == "22");
  CHECK(tables.lookup("rooms", "k2").row["temp"] == "18");
  CHECK_THAT(tables.reload(), Catch::StartsWith("re-read 1 of 2 lookup tables; 'missing' failed"));
}
