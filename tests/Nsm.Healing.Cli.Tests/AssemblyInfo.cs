// The demo test runs two silo processes on a 2-core machine; operator tests share one cluster. One at a time keeps both predictable.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
