# gabasim top-level Makefile: installs what a fresh Debian 12 machine lacks, then drives CMake.
#   make demo       install, build the tool only, run the built-in example (writes gabasim-demo.svg)
#   make serve      install, build the tool, start the web app (open http://127.0.0.1:8080/)
#   make build      install, build everything (library, tool, tests, tools)
#   make install    build, then install into PREFIX (default /usr/local; DESTDIR for staging):
#                   bin/gabasim, lib/libgabasim.so.* and .a, include/gabasim, lib/pkgconfig/gabasim.pc,
#                   share/gabasim (the data), share/man/man1/gabasim.1
#   make test       install, build, run every test (CTest; the browser test needs chromium, node,
#                   npm and the npm registry for puppeteer-core)
#   make test-asan  the same tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   make fuzz       libFuzzer runs of the file and text parsers (clang), FUZZ_SECONDS each (300)
#   make bench      population benchmark against R deSolve, SciPy and a plain C Dormand-Prince
#                   (about 12 minutes; writes bench/RESULTS.md; BENCH_QUICK=1 for a 15 s check)
#   make format     clang-format every C file in place; make format-check only checks

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
PREFIX     ?= /usr/local

DEB_PACKAGES = cmake make gcc clang pkg-config clang-format \
               libsundials-dev libgsl-dev libcjson-dev libcmocka-dev \
               libplplot-dev plplot-driver-cairo
DEB_PACKAGES += libmicrohttpd-dev libsqlite3-dev  # gabasim serve (the tool only)

.PHONY: all deps deps-test configure build demo install test test-asan fuzz bench bench-nca format format-check clean
.PHONY: screenshots serve serve-load

all: build

# Only for tests: R's metafor, the reference the meta-analysis statistics are checked against;
# nlme and emmeans, the references of the mixed models (test_lmm, test_mmrm); clubSandwich, of
# its sandwich variances (test_mmrm).
# groff-base: the install test renders the installed man page. chromium: the browser test of the
# advise page (tests/browser), which drives it with puppeteer-core from npm (no browser download).
TEST_DEB_PACKAGES = r-base-core r-cran-metafor r-cran-nlme r-cran-emmeans r-cran-pbkrtest r-cran-clubsandwich python3-jsonschema groff-base chromium
# the Python binding's test (tests/python): cffi, numpy, pytest, venv (pandas: the DataFrame path)
TEST_DEB_PACKAGES += python3-cffi python3-numpy python3-pytest python3-venv python3-dev \
                     python3-setuptools python3-wheel python3-pandas
# MPI (docs/mpi.md): the build uses it when present (CMake GS_MPI=AUTO); the tests compare
# `mpirun -np 1, 2, 4` with one process byte for byte (tests/cli/mpi_*.sh)
TEST_DEB_PACKAGES += openmpi-bin libopenmpi-dev
# node and npm for that test: Debian's nodejs and npm, unless a node with its npm is already there
# (a NodeSource nodejs bundles npm and conflicts with Debian's npm package)
NODE_DEB_PACKAGES = $(if $(shell command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && echo y),,nodejs npm)
# The R package (bindings/R): jsonlite, which it imports; for its test (tests/bindings/r) testthat,
# and knitr with markdown for its vignette (no pandoc needed)
TEST_DEB_PACKAGES += r-cran-jsonlite r-cran-testthat r-cran-knitr r-cran-markdown

# Installs only the packages that are missing (as root, or through sudo).
define install_missing
	@missing=""; \
	for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

deps:
	$(call install_missing,$(DEB_PACKAGES))

deps-test:
	$(call install_missing,$(DEB_PACKAGES) $(TEST_DEB_PACKAGES) $(NODE_DEB_PACKAGES))

configure: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=$(PREFIX)

build: configure
	cmake --build $(BUILD) -j$(JOBS)

# only the tool and the shared library it uses: no tests, calibration tools or fuzz replays
demo: configure
	cmake --build $(BUILD) -j$(JOBS) --target gabasim
	./$(BUILD)/gabasim demo --plot gabasim-demo.svg
	@echo "plot written to gabasim-demo.svg"
	@echo "web app: make serve (or ./$(BUILD)/gabasim serve), then open http://127.0.0.1:8080/"

# the web app (docs/serve.md) on http://127.0.0.1:8080/, database in the user's data directory;
# Ctrl-C stops it
serve: configure
	cmake --build $(BUILD) -j$(JOBS) --target gabasim
	./$(BUILD)/gabasim serve

# the browser test's npm packages (puppeteer-core, pinned by tests/browser/package-lock.json)
# go into the build tree with npm ci; the test itself would install them too
test: deps-test build
	bash tests/browser/page.sh --install $(BUILD)/tests/browser
	bash tests/browser/page.sh --install $(BUILD)/tests/browser-serve
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

test-asan: deps-test
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DGS_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	bash tests/browser/page.sh --install $(ASAN_BUILD)/tests/browser
	cd $(ASAN_BUILD) && \
	  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	  ctest --output-on-failure -j$(JOBS)

# FUZZ_SECONDS per target (CI: 10), JOBS targets at a time, fixed seed; a crash fails the run
# and leaves its reproducer in $(FUZZ_BUILD)/tests/fuzz/artifacts/NAME/
FUZZ_SECONDS ?= 300
# libFuzzer's runtime: a Recommends of clang, which install_missing does not follow
FUZZ_DEB_PACKAGES = libclang-rt-dev
fuzz:
	$(call install_missing,$(DEB_PACKAGES) $(FUZZ_DEB_PACKAGES))
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug -DGS_FUZZ=ON \
	  -DGS_FUZZ_SECONDS=$(FUZZ_SECONDS)
	cmake --build $(FUZZ_BUILD) -j$(JOBS) --target fuzzers
	cd $(FUZZ_BUILD) && ctest -L fuzz --output-on-failure -j$(JOBS)

# DESTDIR is read by cmake --install from the environment (make passes it on when given)
install: build
	DESTDIR=$(DESTDIR) cmake --install $(BUILD) --prefix $(PREFIX)

bench: build
	bash bench/run.sh

# NCA speed: 10^6 profiles of 12 points (bench/nca.sh; docs/nca.md)
bench-nca: build
	bash bench/nca.sh

# the pages of gabasim serve at 1280 and 390 px, as PNGs in docs/screenshots (the browser test's
# run, with GS_SCREENSHOTS set); serve-load: bench/serve_load.sh (10,000 requests, 16 clients)
screenshots: deps-test build
	GS_SCREENSHOTS=docs/screenshots bash tests/browser/serve.sh $(BUILD)/gabasim $(BUILD)/tests/browser-serve
serve-load: build
	bash bench/serve_load.sh $(BUILD)/gabasim

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	clang-format --dry-run -Werror $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
