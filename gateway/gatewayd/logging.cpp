#include "logging.hpp"

#include <memory>

#include <nlohmann/json.hpp>
#include <spdlog/details/log_msg.h>
#include <spdlog/formatter.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace gw::gatewayd {

namespace {

// One JSON object per line: {"time", "level", "message"}; the message escaped by a JSON
// library rather than by a pattern, so that any text stays one valid line.
class JsonLineFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& message, spdlog::memory_buf_t& out) override {
    using namespace std::chrono;
    const auto micros = duration_cast<microseconds>(message.time.time_since_epoch()).count();
    const nlohmann::json line = {
        {"time", static_cast<double>(micros) / 1e6},
        {"level", spdlog::level::to_string_view(message.level).data()},
        {"message", std::string(message.payload.data(), message.payload.size())}};
    const auto text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    out.append(text.data(), text.data() + text.size());
    out.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonLineFormatter>();
  }
};

}  // namespace

void set_up_logging(const gateway::Config& config) {
  spdlog::sink_ptr sink;
  if (config.log_file.empty()) {
    sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  } else {
    try {
      sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(config.log_path().string());
    } catch (const spdlog::spdlog_ex& error) {
      throw gateway::ConfigError("cannot open log file " + config.log_path().string() + ": " +
                                 error.what());
    }
  }
  if (config.log_format == gateway::LogFormat::json)
    sink->set_formatter(std::make_unique<JsonLineFormatter>());
  else
    sink->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
  auto logger = std::make_shared<spdlog::logger>("gatewayd", std::move(sink));
  logger->set_level(spdlog::level::from_str(config.log_level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace gw::gatewayd
