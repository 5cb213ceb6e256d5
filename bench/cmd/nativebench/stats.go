//go:build !js

package main

import (
	"fmt"
	"math"
	"slices"
)

// pairedRatios returns wsapi's throughput over the baseline's in each run:
// the baseline's ns/op over wsapi's, the i-th result of one against the
// i-th of the other.
func pairedRatios(w, base []sample) []float64 {
	n := min(len(w), len(base))
	rs := make([]float64, n)
	for i := range n {
		rs[i] = base[i]["ns/op"] / w[i]["ns/op"]
	}
	return rs
}

func median(xs []float64) float64 {
	return medianCI(xs, 0).median
}

// interval is a median and a confidence interval around it.
type interval struct {
	median, lo, hi float64
	conf           float64 // the interval's confidence, 0 to 1
}

// medianCI returns the median of xs and the narrowest interval between
// two of its order statistics that holds the true median with at least
// the confidence conf, whatever the distribution (as benchstat's ±). With
// too few values for conf it returns their whole range and says how
// confident that is: 97% for 6 values, 94% for 5.
func medianCI(xs []float64, conf float64) interval {
	n := len(xs)
	if n == 0 {
		return interval{median: math.NaN(), lo: math.NaN(), hi: math.NaN()}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	iv := interval{median: (s[(n-1)/2] + s[n/2]) / 2}
	// [s[j], s[n-1-j]] misses the median when at most j values fall below
	// it or at most j above: 2·P(Binomial(n, ½) ≤ j).
	j := 0
	for k := 1; k < (n+1)/2; k++ {
		if 1-2*binomCDF(k, n) < conf {
			break
		}
		j = k
	}
	iv.lo, iv.hi = s[j], s[n-1-j]
	iv.conf = max(0, 1-2*binomCDF(j, n))
	return iv
}

// binomCDF is P(X ≤ k) for X ~ Binomial(n, ½).
func binomCDF(k, n int) float64 {
	p, c := 0.0, 1.0 // c is n choose i
	for i := 0; i <= k && i <= n; i++ {
		p += c
		c = c * float64(n-i) / float64(i+1)
	}
	return p / math.Pow(2, float64(n))
}

// ciWords says which runs bound the interval of medianCI for n runs, and
// how confident it is.
func ciWords(n int) string {
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = float64(i)
	}
	iv := medianCI(xs, 0.95)
	which := "the lowest to the highest of the runs"
	if j := int(iv.lo); j > 0 {
		which = fmt.Sprintf("the runs' range less their %d lowest and %d highest", j, j)
	}
	return fmt.Sprintf("%.0f%% confidence with %d runs: %s", 100*iv.conf, n, which)
}
