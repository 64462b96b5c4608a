# Runs first on the ESP32, before main.py. Keep it tiny: anything that fails here leaves the
# board without a REPL to repair it. Collect early and often so the heap fragments less.
import gc

gc.collect()
if hasattr(gc, "threshold") and hasattr(gc, "mem_free"):
    gc.threshold(gc.mem_free() // 4 + gc.mem_alloc())
