package dev.pare.compress;

/** How much of each linear layer to prune: uniform, or spent where it costs least (the schedulers of a later stage). */
@FunctionalInterface
public interface SparsitySchedule {
    /** Target sparsity of the linear whose weight tensor is {@code name}, in block {@code block}. */
    double sparsity(int block, String name);

    static SparsitySchedule uniform(double s) {
        return (block, name) -> s;
    }
}
