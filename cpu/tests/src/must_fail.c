/* Harness self-check: must FAIL with exit code 4 (line 3 -> (3 - 1) % 254 + 2) on every engine. */
#include "test.h"
static int fail_on_line_3(void) { CHECK_EQ(1 + 1, 3); return test_result(); }

int main(void) { return fail_on_line_3(); }
