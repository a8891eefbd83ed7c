# Two commands matter: `make book` builds the HTML book, `make test` runs everything CI checks.
# Both create the virtual environment from the lock file on first use; nothing else is needed
# beyond Python 3.10+ and make.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-from-lock
# --all: every page is read again, so the pages that run (ledger, preface) show the current code.
JB_FLAGS := -W -n --keep-going --all
# requirements.lock was resolved on this Python (major, minor); see `make lock`.
LOCK_PYTHON := (3, 11)
export PYTHONHASHSEED := 0
# The lock pins torch's CPU build (torch==...+cpu). Where pip does not already find it (its
# configuration here has it), point pip at PyTorch's CPU wheel index, as the GitHub workflows
# do: PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu make test

.PHONY: help translations venv book book-fast test lint unit notebooks labs book-check browser workflows lock outputs student bench clean

help:
	@echo "make book      build the HTML book in _build/html, its Korean edition in _build/html/ko"
	@echo "               (creates .venv first)"
	@echo "make test      lint, unit tests, notebooks and labs, book build, browser test, workflow check"
	@echo "make browser   open every page of the built book in Chromium (1280 px, 390 px, dark)"
	@echo "make outputs   re-execute every notebook in place (stored outputs are the source of truth)"
	@echo "make student   rewrite the student copies (student/: no solutions, no outputs) that Colab opens"
	@echo "make bench     measure our kernels against C STREAM, the BLAS's dgemm and the peak at the"
	@echo "               measured clock, and time each chapter notebook (minutes; not part of test)"
	@echo "make translations  after changing English prose: mark the Korean that needs review"
	@echo "               (locales/ko, the audit's catalogue) and count what is left"
	@echo "make lock      re-resolve pyproject.toml's ranges into requirements.lock and environment.yml"
	@echo "make clean     remove the build and the virtual environment"

venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10), "Python 3.10+ is needed"'
	$(PYTHON) -m venv $(VENV)
	@if $(BIN)/python -c 'import sys; sys.exit(sys.version_info[:2] != $(LOCK_PYTHON))'; then \
	  $(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock; \
	else \
	  echo "The lock is for Python $(LOCK_PYTHON); installing pyproject.toml's tested ranges instead."; \
	  $(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]' 'torch==2.13.0'; \
	fi
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . $(JB_FLAGS)
	$(BIN)/python tools/build_book.py ko
	$(BIN)/python tools/check_book.py _build/html _build/html/ko

test: lint unit notebooks labs book-check browser workflows
	@echo "make test: all checks passed"

lint: $(STAMP)
	$(BIN)/ruff check src tests tools notebooks labs
	$(BIN)/ruff format --check src tests tools notebooks labs

unit: $(STAMP)
	$(BIN)/python -m pytest tests --ignore=tests/browser

notebooks: $(STAMP)
	$(BIN)/python -m pytest --nbval notebooks --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=300 -p no:cacheprovider

labs: $(STAMP)
	$(BIN)/python -m pytest --nbval-lax labs --nbval-cell-timeout=300 -p no:cacheprovider

book-check: book

# Every page of the built book in Debian's Chromium, offline, at 1280 px, 390 px and dark. Skipped
# (saying why) where chromium is missing, except with CI=true; .ci/run installs it.
browser: book
	$(BIN)/python -m pytest tests/browser -p no:cacheprovider

workflows: $(STAMP)
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml

outputs: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py notebooks/*.ipynb labs/*.ipynb
	$(BIN)/python tools/student_copies.py

student: $(STAMP)
	$(BIN)/python tools/student_copies.py

translations: $(STAMP)
	$(BIN)/python tools/translations.py update

bench: $(STAMP)
	$(BIN)/python tools/bench.py

lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]' 'torch==2.13.0'
	.lock-venv/bin/python -m pip freeze --exclude-editable --disable-pip-version-check > requirements.lock
	.lock-venv/bin/python tools/write_environment.py requirements.lock environment.yml
	rm -rf .lock-venv

clean:
	rm -rf _build $(VENV)
