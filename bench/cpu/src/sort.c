/* Quicksort and mergesort of pseudo-random 32-bit keys, each result verified and checksummed. */
#include "bench.h"

#define N 40000
#define ROUNDS 10

static u32 data[N], scratch[N], original[N];

static void quicksort(u32 *a, long lo, long hi) {
  while (lo < hi) {
    u32 pivot = a[lo + (hi - lo) / 2];
    long i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        u32 t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    /* Recurse into the smaller half, loop on the larger: bounded stack depth. */
    if (j - lo < hi - i) {
      quicksort(a, lo, j);
      lo = i;
    } else {
      quicksort(a, i, hi);
      hi = j;
    }
  }
}

static void mergesort(u32 *a, u32 *tmp, long n) {
  for (long width = 1; width < n; width *= 2) {
    for (long lo = 0; lo < n; lo += 2 * width) {
      long mid = lo + width < n ? lo + width : n;
      long hi = lo + 2 * width < n ? lo + 2 * width : n;
      long i = lo, j = mid, k = lo;
      while (i < mid && j < hi) tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
      while (i < mid) tmp[k++] = a[i++];
      while (j < hi) tmp[k++] = a[j++];
    }
    for (long k = 0; k < n; k++) a[k] = tmp[k];
  }
}

static u64 verify_and_sum(const u32 *a) {
  u64 sum = 0;
  for (long i = 0; i < N; i++) {
    if (i && a[i - 1] > a[i]) return ~0ul;
    sum = sum * 31 + a[i];
  }
  return sum;
}

int main(void) {
  u64 checksum = 0;
  for (int round = 0; round < ROUNDS; round++) {
    for (long i = 0; i < N; i++) original[i] = (u32)rng_next();
    for (long i = 0; i < N; i++) data[i] = original[i];
    quicksort(data, 0, N - 1);
    u64 q = verify_and_sum(data);
    for (long i = 0; i < N; i++) data[i] = original[i];
    mergesort(data, scratch, N);
    u64 m = verify_and_sum(data);
    if (q != m || q == ~0ul) {
      puts("FAIL sort results differ or are unsorted\n");
      return 2;
    }
    checksum ^= q + (u64)round;
  }
  report("sort", checksum);
  return 0;
}
