using System.Globalization;
using CsCheck;
using Vmm.Sdk.Testing.Fuzzing;

namespace Vmm.Sdk.Testing;

/// <summary>
/// Fuzzes devices in the spirit of QEMU's generic-fuzz: CsCheck generates sequences of port and MMIO accesses
/// aimed at the ranges the target devices hold on the buses, mixed with clock advances, guest RAM writes and
/// console input, and runs each on a fresh <see cref="TestVm"/>. A sequence fails if a device throws (even though
/// production would contain it), an operation does not return within the timeout, or guest RAM's guard bytes
/// change. CsCheck then shrinks it to a minimal one, reported as a ready-to-paste scripted test.
/// </summary>
/// <example>
/// <code>
/// var report = DeviceFuzzer.For(b => b.AddPlugin&lt;SerialPlugin&gt;().AddDevice("uart16550", "com1", new { Port = 0x3f8 }))
///     .Run(iterations: 200);
/// </code>
/// Run it long without touching the test: <c>VMM_FUZZ_ITERATIONS=100000 dotnet test</c> (about 1.6 million
/// operations with the default 32 per sequence), or <c>VMM_FUZZ_SECONDS=600</c>.
/// </example>
public sealed class DeviceFuzzer
{
    /// <summary>Environment variable that overrides <c>iterations</c> of <see cref="Run"/>: how many sequences to run.</summary>
    public const string IterationsVariable = "VMM_FUZZ_ITERATIONS";

    /// <summary>Environment variable that makes <see cref="Run"/> run for this many seconds instead of a number of sequences.</summary>
    public const string SecondsVariable = "VMM_FUZZ_SECONDS";

    /// <summary>Environment variable that overrides <c>seed</c> of <see cref="Run"/>, to reproduce a reported failure.</summary>
    public const string SeedVariable = "VMM_FUZZ_SEED";

    /// <summary>Longest sequence generated unless told otherwise.</summary>
    public const int DefaultMaxOperations = 32;

    /// <summary>How long one operation may take unless told otherwise before it counts as a hang.</summary>
    public static readonly TimeSpan DefaultOperationTimeout = TimeSpan.FromSeconds(5);

    // A hanging sequence leaves a thread behind; after a few, shrinking stops looking for more.
    private const int MaxHangs = 3;

    // Sequences the second shrinking pass tries: a second or two for a typical device.
    private const int ShrinkIterations = 2000;

    // Candidate sequences the final minimization may run.
    private const int MinimizeBudget = 1000;

    private readonly Action<TestVmBuilder> _configure;
    private readonly List<string> _targets = [];
    private int _maxOperations = DefaultMaxOperations;
    private TimeSpan _operationTimeout = DefaultOperationTimeout;
    private Action<string>? _output;

    private DeviceFuzzer(Action<TestVmBuilder> configure) => _configure = configure;

    /// <summary>A fuzzer for the VM <paramref name="configure"/> describes, as <see cref="TestVm.Create"/> takes it.</summary>
    public static DeviceFuzzer For(Action<TestVmBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return new DeviceFuzzer(configure);
    }

    /// <summary>Aims at device instance <paramref name="deviceName"/> (call again for more); by default every device in the VM is a target.</summary>
    public DeviceFuzzer Target(string deviceName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(deviceName);
        _targets.Add(deviceName);
        return this;
    }

    /// <summary>Sets the longest sequence generated (<see cref="DefaultMaxOperations"/> by default).</summary>
    public DeviceFuzzer WithMaxOperations(int maxOperations)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxOperations);
        _maxOperations = maxOperations;
        return this;
    }

    /// <summary>Sets how long one operation may take before it counts as a hang (<see cref="DefaultOperationTimeout"/> by default).</summary>
    public DeviceFuzzer WithOperationTimeout(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        _operationTimeout = timeout;
        return this;
    }

    /// <summary>Where CsCheck's summary line goes (a test's output helper, say).</summary>
    public DeviceFuzzer WithOutput(Action<string> writeLine)
    {
        ArgumentNullException.ThrowIfNull(writeLine);
        _output = writeLine;
        return this;
    }

    /// <summary>
    /// Runs <paramref name="iterations"/> sequences (or <paramref name="seconds"/> of them), each on a fresh VM.
    /// <see cref="IterationsVariable"/>, <see cref="SecondsVariable"/> and <see cref="SeedVariable"/> override the
    /// parameters, so a CI test can be run for millions of operations from the command line.
    /// </summary>
    /// <param name="iterations">How many sequences to run.</param>
    /// <param name="seed">A CsCheck seed from a failure report, to reproduce it.</param>
    /// <param name="seconds">Run for this long instead of <paramref name="iterations"/> sequences.</param>
    /// <param name="threads">How many sequences run at once; the logical CPU count by default.</param>
    /// <returns>What ran, when nothing failed.</returns>
    /// <exception cref="DeviceFuzzException">A sequence failed; the message holds the shrunk sequence as a scripted test.</exception>
    public FuzzReport Run(int iterations = 200, string? seed = null, int? seconds = null, int? threads = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(iterations);
        long iter = ReadVariable(IterationsVariable) ?? iterations;
        var time = (int?)ReadVariable(SecondsVariable) ?? seconds ?? -1;
        seed = Environment.GetEnvironmentVariable(SeedVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : seed;

        FuzzTargets targets;
        using (var probe = CreateVm())
        {
            foreach (var name in _targets)
                probe.Slot(name); // an unknown name is an error here, not a silently idle run
            targets = FuzzTargets.From(probe, _targets);
        }

        var run = new FuzzRun(this, targets);
        var sequences = FuzzGenerators.Sequence(targets, _maxOperations);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            sequences.Sample(run.Check, writeLine: _output, seed: seed, iter: time > 0 ? -1 : iter, time: time, threads: threads ?? -1, print: run.Print);
        }
        catch (CsCheckException failure)
        {
            // CsCheck shrinks with whatever iterations are left after the first failure, which a short CI run may not
            // have; a second pass from the failing seed gives it a fixed budget to find a smaller sequence.
            if (FuzzRun.ParseSeed(failure.Message) is { } failingSeed && !run.FoundHang)
            {
                try
                {
                    sequences.Sample(run.Check, seed: failingSeed, iter: ShrinkIterations, threads: threads ?? -1, print: run.Print);
                }
                catch (CsCheckException smaller)
                {
                    failure = smaller;
                }
            }
            throw run.ToException(failure);
        }
        return new FuzzReport(run.Sequences, run.Operations, run.DeviceAccesses, targets.Describe(),
            System.Diagnostics.Stopwatch.GetElapsedTime(started));
    }

    private TestVm CreateVm() => TestVm.Create(builder =>
    {
        _configure(builder);
        // Scripted accesses only (no emulator to build per sequence, and guarded RAM), production's unclaimed
        // behaviour, every device exception reported, and no trace to grow over millions of operations.
        builder.WithoutGuestExecution();
        builder.UnhandledAccess = UnhandledAccessPolicy.AllOnes;
        builder.ThrowOnDeviceFault = true;
        builder.TraceCapacity = 0;
    });

    private static long? ReadVariable(string name)
    {
        var text = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrWhiteSpace(text))
            return null;
        if (!long.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value <= 0)
            throw new ArgumentException($"{name}={text} is not a positive whole number");
        return value;
    }

    /// <summary>One run's shared state: counters, what each failing sequence did, the sequence CsCheck settled on.</summary>
    private sealed class FuzzRun(DeviceFuzzer fuzzer, FuzzTargets targets)
    {
        private readonly System.Runtime.CompilerServices.ConditionalWeakTable<FuzzOperation[], FuzzFinding> _findings = [];
        private long _sequences;
        private long _operations;
        private long _deviceAccesses;
        private int _hangs;
        private FuzzOperation[]? _printed;

        public long Sequences => Interlocked.Read(ref _sequences);

        public long Operations => Interlocked.Read(ref _operations);

        public long DeviceAccesses => Interlocked.Read(ref _deviceAccesses);

        public bool FoundHang => Volatile.Read(ref _hangs) > 0;

        /// <summary>CsCheck's assertion: runs the sequence and throws if it found something.</summary>
        public void Check(FuzzOperation[] operations)
        {
            Interlocked.Increment(ref _sequences);
            if (Volatile.Read(ref _hangs) >= MaxHangs)
                return;
            if (Execute(operations) is not { } finding)
                return;
            _findings.AddOrUpdate(operations, finding);
            throw finding.Exception;
        }

        /// <summary>CsCheck's printer, called with the shrunk sequence.</summary>
        public string Print(FuzzOperation[] operations)
        {
            var finding = Find(operations);
            _printed = operations;
            return ScriptedTest(operations, finding);
        }

        public DeviceFuzzException ToException(CsCheckException failure)
        {
            var seed = ParseSeed(failure.Message);
            if (_printed is not { } printed)
                return new DeviceFuzzException($"DeviceFuzzer: {failure.Message}", [], "", seed, failure.InnerException ?? failure);
            var (shown, finding) = Minimize(printed, Find(printed));
            var text = ScriptedTest(shown, finding);
            var reproduce = seed is null ? "" : $"\nReproduce: Run(seed: \"{seed}\") or {SeedVariable}={seed}.";
            var message = $"DeviceFuzzer: {finding.Message}\n"
                + $"Shrunk to {shown.Length} operation{(shown.Length == 1 ? "" : "s")} on {targets.Describe()}; as a scripted test:\n\n"
                + text + "\n" + reproduce + $"\n({FirstLine(failure.Message)})";
            return new DeviceFuzzException(message, shown, text, seed, finding.Exception);
        }

        /// <summary>
        /// Cuts the sequence after the failing operation, then drops each operation whose removal still fails the
        /// same way, so no single step of the reported test is superfluous. Hangs are left as they are: every
        /// retry of one would cost a timeout and a thread.
        /// </summary>
        private (FuzzOperation[] Operations, FuzzFinding Finding) Minimize(FuzzOperation[] operations, FuzzFinding finding)
        {
            var current = operations[..Math.Min(finding.Index + 1, operations.Length)];
            if (finding.Exception is TimeoutException)
                return (current, finding);
            var budget = MinimizeBudget;

            // Drop each step the failure does not need...
            for (var i = current.Length - 2; i >= 0 && budget > 0; i--, budget--)
            {
                FuzzOperation[] candidate = [.. current[..i], .. current[(i + 1)..]];
                if (FailsTheSameWay(candidate, finding) is { } smaller)
                {
                    (current, finding) = (candidate[..(smaller.Index + 1)], smaller);
                    i = Math.Min(i, current.Length - 1);
                }
            }

            // ...then make each remaining step as simple as it can be: narrower accesses, fewer bits set.
            for (var i = 0; i < current.Length && budget > 0; i++)
            {
                var simplified = true;
                while (simplified && budget > 0)
                {
                    simplified = false;
                    foreach (var simpler in current[i].Simpler())
                    {
                        if (--budget < 0)
                            break;
                        FuzzOperation[] candidate = [.. current[..i], simpler, .. current[(i + 1)..]];
                        if (FailsTheSameWay(candidate, finding) is { Index: var index } smaller && index >= i)
                        {
                            (current, finding) = (candidate[..(index + 1)], smaller);
                            simplified = true;
                            break;
                        }
                    }
                }
            }
            return (current, finding);
        }

        private FuzzFinding? FailsTheSameWay(FuzzOperation[] candidate, FuzzFinding finding) =>
            Execute(candidate) is { Exception: var exception } found
            && exception.GetType() == finding.Exception.GetType()
            && exception.InnerException?.GetType() == finding.Exception.InnerException?.GetType()
                ? found
                : null;

        private FuzzFinding Find(FuzzOperation[] operations) =>
            _findings.TryGetValue(operations, out var finding)
                ? finding
                : Execute(operations) ?? new FuzzFinding(operations.Length - 1, "the sequence no longer fails when run again (the device is not deterministic)", new InvalidOperationException("not reproducible"));

        private FuzzFinding? Execute(FuzzOperation[] operations)
        {
            var vm = fuzzer.CreateVm();
            var completed = 0;
            var done = false;
            Exception? error = null;
            var progress = new SemaphoreSlim(0);
            var worker = new Thread(() =>
            {
                try
                {
                    for (var i = 0; i < operations.Length; i++)
                    {
                        operations[i].Apply(vm);
                        if (vm.FindRamCorruption() is { } corruption)
                            throw new FuzzCorruptionException($"after {operations[i]} {corruption}");
                        Volatile.Write(ref completed, i + 1);
                        progress.Release();
                    }
                }
                catch (Exception ex)
                {
                    error = ex;
                }
                finally
                {
                    Volatile.Write(ref done, true);
                    progress.Release();
                }
            })
            { IsBackground = true, Name = "DeviceFuzzer" };
            worker.Start();

            while (!Volatile.Read(ref done))
            {
                if (progress.Wait(fuzzer._operationTimeout) || Volatile.Read(ref done))
                    continue;
                // The operation is stuck in the device: leave its thread and VM behind, they cannot be reclaimed.
                Interlocked.Increment(ref _hangs);
                var stuck = Volatile.Read(ref completed);
                Interlocked.Add(ref _operations, stuck + 1);
                return new FuzzFinding(stuck,
                    $"{operations[stuck]} did not return within {fuzzer._operationTimeout.TotalSeconds:0.###} s (a device hangs)",
                    new TimeoutException($"{operations[stuck]} did not return within {fuzzer._operationTimeout}"));
            }
            worker.Join();
            progress.Dispose();

            var ran = Volatile.Read(ref completed);
            Interlocked.Add(ref _operations, error is null ? ran : ran + 1);
            foreach (var name in targets.Devices)
                Interlocked.Add(ref _deviceAccesses, vm.Slot(name).Accesses);
            vm.Dispose();
            return error is null ? null : new FuzzFinding(ran, Describe(operations[ran], error), error);
        }

        private static string Describe(FuzzOperation operation, Exception error) => error switch
        {
            DeviceFaultException { InnerException: ArgumentOutOfRangeException { TargetSite.DeclaringType: var type } } fault
                when type == typeof(Vmm.Core.Memory.GuestMemory) =>
                $"device \"{fault.DeviceName}\" ({fault.DeviceType}) accessed guest memory out of bounds on {fault.During}: {fault.InnerException!.Message}",
            DeviceFaultException fault => fault.Message,
            FuzzCorruptionException corruption => $"a device wrote outside guest RAM: {corruption.Message}",
            _ => $"{operation} threw {error.GetType().Name}: {error.Message}",
        };

        private static string ScriptedTest(FuzzOperation[] operations, FuzzFinding finding)
        {
            var lines = new List<string>
            {
                "    // Found by DeviceFuzzer; fails until the device is fixed.",
                "    using var vm = TestVm.Create(b => b /* the configuration given to DeviceFuzzer.For */);",
            };
            for (var i = 0; i <= finding.Index && i < operations.Length; i++)
            {
                var line = "    " + operations[i].ToCSharp();
                lines.Add(i == finding.Index ? $"{line} // fails: {OneLine(finding.Message)}" : line);
            }
            return string.Join('\n', lines);
        }

        public static string? ParseSeed(string message)
        {
            const string marker = "Set seed: \"";
            var start = message.IndexOf(marker, StringComparison.Ordinal);
            if (start < 0)
                return null;
            start += marker.Length;
            var end = message.IndexOf('"', start);
            return end > start ? message[start..end] : null;
        }

        private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

        private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    /// <summary>Why one sequence failed: the index of the operation that failed, a one-line cause, the exception.</summary>
    private sealed record FuzzFinding(int Index, string Message, Exception Exception);

    /// <summary>Guest RAM's guard bytes changed.</summary>
    private sealed class FuzzCorruptionException(string message) : Exception(message);
}
