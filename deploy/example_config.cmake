# Writes the example config file: what gatewayd writes on its first start, every option with
# its default and what it does. Run at build time with -DGATEWAYD=... -DOUTPUT=...
# `env -i`: no GW_* variable of the build's environment may end up in the example.
execute_process(
  COMMAND env -i ${GATEWAYD} --print-config --data-dir /var/lib/gw --config /dev/null
  OUTPUT_VARIABLE text
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "gatewayd --print-config failed (${result})")
endif()
# The first two lines say where this run looked; the example is for any data directory.
string(REGEX REPLACE "^# data directory:[^\n]*\n# config file:[^\n]*\n" "" text "${text}")
file(WRITE ${OUTPUT} "${text}")
