//go:build js && wasm

package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/go-wsapi/wsapi/wasm/client"
)

// The ticker panel: the latest quote, its trend, and a sparkline of the
// recent ones.

func (a *app) onQuote(gen int, q client.Quote, count int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if gen != a.gen {
		return
	}
	trend := ""
	switch {
	case a.last != 0 && q.Price > a.last:
		trend = "up"
	case a.last != 0 && q.Price < a.last:
		trend = "down"
	}
	a.last = q.Price
	a.prices = append(a.prices, q.Price)
	if len(a.prices) > sparkMax {
		a.prices = a.prices[len(a.prices)-sparkMax:]
	}
	// The text reads "GOPHER 101.25"; the spans are for the style.
	t := a.el["ticker"]
	call(t, "replaceChildren",
		create("span", "symbol", q.Symbol), " ",
		create("span", "price", strconv.FormatFloat(q.Price, 'f', 2, 64)))
	setAttr(t, "data-trend", trend)
	setText(a.el["ticks-count"], strconv.Itoa(count))
	line := sparkline(a.prices)
	setAttr(a.el["spark-line"], "points", line)
	if line != "" {
		line = "0,30 " + line + " 100,30"
	}
	setAttr(a.el["spark-area"], "points", line)
}

// sparkline returns the points of a polyline drawing prices across a 100×30
// box, the lowest at the bottom.
func sparkline(prices []float64) string {
	if len(prices) < 2 {
		return ""
	}
	lo, hi := prices[0], prices[0]
	for _, p := range prices {
		lo, hi = min(lo, p), max(hi, p)
	}
	span := hi - lo
	if span == 0 {
		span = 1
	}
	var b strings.Builder
	for i, p := range prices {
		x := float64(i) * 100 / float64(len(prices)-1)
		y := 28 - (p-lo)/span*24
		fmt.Fprintf(&b, "%.1f,%.1f ", x, y)
	}
	return strings.TrimSpace(b.String())
}
