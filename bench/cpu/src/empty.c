/* Does nothing: its run time is the start-up cost the bench subtracts. */
#include "bench.h"

int main(void) {
  report("empty", 0);
  return 0;
}
