# The two commands a newcomer needs:
#   make serve   build and serve the release app on http://127.0.0.1:8080 (demo run open)
#   make test    install what is missing, then run every check and test
.PHONY: serve test dist bench cli

serve:
	bash scripts/serve.sh

test:
	bash scripts/test.sh

dist:
	bash scripts/dist.sh

bench:
	bash scripts/bench.sh

cli:
	cargo build --release -p verdict-cli
