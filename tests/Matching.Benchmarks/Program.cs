using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Matching.Benchmarks.RankingBenchmarks).Assembly).Run(args);
