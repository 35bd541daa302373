import CTensorKernels

/// How the process hands memory back to the system, tuned for batches of large activations.
public enum MemoryReuse {
    /// Keeps freed memory in the process for the next batch instead of returning it to the system.
    ///
    /// glibc serves every allocation above 32 MB (VGG16's first activations at batch 20 are 115 MB) with
    /// its own `mmap` and unmaps it on free, so each forward pass touched all its activation memory as
    /// fresh pages: a page fault and a zeroing per 4 KB, 15-20% of a VGG16 forward pass on 2 cores.
    /// Serving them from the heap and never trimming it makes the next batch reuse the same pages
    /// (measured: `tl bench kernels` 20.7 → 24.0 images/s, peak RSS 496 → 530 MB). Every thread allocates
    /// from the one heap (glibc's arena per thread kept each thread's freed activations apart: VGG16 features
    /// over 800 images peaked at 342-379 MB from run to run, 346 MB every time with one heap, at the same
    /// speed). Call it once, early, before other threads start; it is what the `tl` executable does.
    public static func keepFreedMemory() {
        tl_keep_freed_memory()
    }

    /// Gives the memory kept by ``keepFreedMemory()`` back to the system: between statements at the
    /// prompt, so that an interactive session does not hold the peak of its largest statement.
    public static func releaseFreedMemory() {
        tl_release_freed_memory()
    }
}
