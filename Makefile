# Shortcuts for the two commands of the README.
.PHONY: run test
run:
	bash scripts/run.sh
test:
	bash scripts/test.sh
