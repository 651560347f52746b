// Each test runs three or more silo processes on a 2-core machine; two such tests at once would starve
// each other's failure detectors and measure nothing.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
