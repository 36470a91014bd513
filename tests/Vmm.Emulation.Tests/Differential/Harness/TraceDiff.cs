using System.Text;
using Vmm.Core.Hypervisor;

namespace Vmm.Emulation.Tests.Differential.Harness;

/// <summary>
/// Compares two backends' traces of one guest and says, readably, where they part: how the run ended,
/// the first differing exit (with the exits before it), every differing register, the compared flags,
/// and the first differing byte of low RAM.
/// </summary>
internal static class TraceDiff
{
    private const int ContextExits = 4;

    /// <summary>Null when the traces agree; otherwise a report of the differences.</summary>
    public static string? Describe(GuestProgram program, GuestTrace expected, GuestTrace actual)
    {
        var text = new StringBuilder();
        if (expected.Result.Reason != actual.Result.Reason)
        {
            text.AppendLine($"run ended: {expected.Backend} {expected.Result.Reason}, {actual.Backend} {actual.Result.Reason}");
            foreach (var trace in new[] { expected, actual })
            {
                if (trace.Result.Detail is not null)
                    text.AppendLine($"  {trace.Backend}: {trace.Result.Detail}");
            }
        }

        DescribeExits(expected, actual, text);
        DescribeRegisters(program, expected, actual, text);
        DescribeRam(expected, actual, text);
        return text.Length == 0 ? null : $"{program.Name}: {actual.Backend} differs from {expected.Backend}\n{text}";
    }

    private static void DescribeExits(GuestTrace expected, GuestTrace actual, StringBuilder text)
    {
        int common = Math.Min(expected.Exits.Count, actual.Exits.Count);
        int first = 0;
        while (first < common && expected.Exits[first].SameAs(actual.Exits[first]))
            first++;
        if (first == common && expected.Exits.Count == actual.Exits.Count)
            return;

        text.AppendLine($"exits differ at #{first} (of {expected.Exits.Count} on {expected.Backend}, {actual.Exits.Count} on {actual.Backend}):");
        for (int i = Math.Max(0, first - ContextExits); i < first; i++)
            text.AppendLine($"  #{i} both: {expected.Exits[i]}");
        text.AppendLine($"  #{first} {expected.Backend}: {At(expected, first)}");
        text.AppendLine($"  #{first} {actual.Backend}: {At(actual, first)}");
        if (SameBytesIgnoringBatching(expected, actual))
            text.AppendLine("  (the same accesses with the same bytes: only the grouping of string I/O into exits differs)");
    }

    private static string At(GuestTrace trace, int index) => index < trace.Exits.Count ? trace.Exits[index].ToString() : "(no more exits)";

    /// <summary>True if splitting every exit into one exit per element makes the traces equal.</summary>
    private static bool SameBytesIgnoringBatching(GuestTrace expected, GuestTrace actual)
    {
        static IEnumerable<RecordedExit> Elements(GuestTrace trace) => trace.Exits.SelectMany(e => e.Count <= 1
            ? [e]
            : Enumerable.Range(0, e.Count).Select(i => e with { Count = 1, Data = e.Data.AsSpan(i * e.Size, e.Size).ToArray() }));

        var left = Elements(expected).ToList();
        var right = Elements(actual).ToList();
        return left.Count == right.Count && left.Zip(right).All(p => p.First.SameAs(p.Second));
    }

    private static void DescribeRegisters(GuestProgram program, GuestTrace expected, GuestTrace actual, StringBuilder text)
    {
        foreach (var (name, read) in s_registers)
        {
            ulong want = read(expected.Registers), got = read(actual.Registers);
            if (want != got)
                text.AppendLine($"{name}: {expected.Backend} 0x{want:x16}, {actual.Backend} 0x{got:x16}");
        }

        ulong compared = GuestProgram.ComparedFlags & ~program.UndefinedFinalFlags;
        ulong wantFlags = expected.Registers.Rflags & compared, gotFlags = actual.Registers.Rflags & compared;
        if (wantFlags != gotFlags)
        {
            text.AppendLine($"rflags ({Flags.Describe(compared)} compared): {expected.Backend} {Flags.Describe(wantFlags)} (0x{expected.Registers.Rflags:x}), "
                + $"{actual.Backend} {Flags.Describe(gotFlags)} (0x{actual.Registers.Rflags:x}); differing: {Flags.Describe(wantFlags ^ gotFlags)}");
        }
    }

    private static void DescribeRam(GuestTrace expected, GuestTrace actual, StringBuilder text)
    {
        int first = expected.Ram.AsSpan().CommonPrefixLength(actual.Ram);
        if (first == expected.Ram.Length)
            return;
        int last = expected.Ram.Length - 1;
        while (expected.Ram[last] == actual.Ram[last])
            last--;
        int shown = Math.Min(16, last - first + 1);
        text.AppendLine($"RAM differs at 0x{first:x}-0x{last:x}: from 0x{first:x} {expected.Backend} "
            + $"{Convert.ToHexString(expected.Ram, first, shown).ToLowerInvariant()}, {actual.Backend} {Convert.ToHexString(actual.Ram, first, shown).ToLowerInvariant()}");
    }

    private static readonly (string Name, Func<VcpuRegisters, ulong> Read)[] s_registers =
    [
        ("rax", r => r.Rax), ("rbx", r => r.Rbx), ("rcx", r => r.Rcx), ("rdx", r => r.Rdx),
        ("rsi", r => r.Rsi), ("rdi", r => r.Rdi), ("rsp", r => r.Rsp), ("rbp", r => r.Rbp),
        ("r8", r => r.R8), ("r9", r => r.R9), ("r10", r => r.R10), ("r11", r => r.R11),
        ("r12", r => r.R12), ("r13", r => r.R13), ("r14", r => r.R14), ("r15", r => r.R15),
        ("rip", r => r.Rip),
    ];
}
