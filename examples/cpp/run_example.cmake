# Runs an example (EXE) and checks both its exit status (EXPECT_RC) and its output (EXPECT, a regex
# over stdout): ctest's PASS_REGULAR_EXPRESSION alone would ignore the exit status.
execute_process(COMMAND ${EXE} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(REPLACE "\n" " " flat "${out}")
if(NOT rc EQUAL EXPECT_RC)
  message(FATAL_ERROR "${EXE}: exit status ${rc}, expected ${EXPECT_RC}\n${out}${err}")
endif()
if(NOT flat MATCHES "${EXPECT}")
  message(FATAL_ERROR "${EXE}: output does not match '${EXPECT}':\n${out}${err}")
endif()
message(STATUS "${out}")
