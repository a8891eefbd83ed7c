"""aicompute: helpers for the course "Why AI needs computing infrastructure".

The package has three layers, and a module imports only from its own layer or a lower one, never
in a circle:

1. **infrastructure**: choosing and describing the device, timing, the BLAS benchmark, curated
   data, the report's claims, tables and plots for readers, input checks; used by everything
   above;
2. **chapter** modules: one per concept of the book's chapters (a subpackage belongs to the
   layer of its name);
3. **lab** modules: what only the GPU labs need.

:data:`LAYERS` places every module; a new module is placed there when it is written.
"""

__version__ = "0.1.0"

#: The layer of every module of the package, from the lowest to the highest.
LAYERS: dict[str, tuple[str, ...]] = {
    "infrastructure": (
        "backend",
        "blas_bench",
        "claims",
        "data",
        "display",
        "hardware",
        "plotting",
        "timing",
        "validate",
    ),
    "chapter": (
        "moore",
        "parallel",
        "roofline",
        "membench",
        "machine",
        "blas",
        "im2col",
        "flops",
        "alphago",
        "survey",
        "report_facts",
        "compute_trends",
        "distributed",
    ),
    "lab": (
        "gpulab_blas",
        "gpulab_conv",
        "gpulab_pcie",
        "gpulab_roofline",
        "expected",
        "gpulab_ddp",
    ),
}
