# The targets call scripts in ci/, which CI runs too.
.PHONY: test lint fmt record

test:
	sh ci/test.sh

lint:
	sh ci/lint.sh

fmt:
	gofmt -w $$(git ls-files '*.go')

# record re-records the reference traces from Chrome's and Node's own
# WebSocket; review the diff before committing it.
record:
	sh ci/setup.sh
	go test -count=1 -run TestRecordTraces ./wsapi -record
