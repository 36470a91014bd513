using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Vmm.Sdk;

namespace Vmm.Core.Buses;

/// <summary>
/// Logs an access nobody claims once per address, so a guest probing for hardware cannot flood the log.
/// Ports use a lock-free bitmap; MMIO addresses a set capped at <see cref="MaxMmioAddresses"/> so a
/// hostile guest sweeping memory cannot grow it without bound.
/// </summary>
public sealed partial class UnclaimedAccessLog(ILogger logger)
{
    public const int MaxMmioAddresses = 4096;

    private readonly int[] _portsSeen = new int[0x10000 / 32];
    private readonly ConcurrentDictionary<ulong, byte> _mmioSeen = new();
    private long _count;

    /// <summary>Unclaimed accesses seen, each counted (not just the logged ones).</summary>
    public long Count => Interlocked.Read(ref _count);

    public void Record(ExitKind kind, ulong address, int size)
    {
        Interlocked.Increment(ref _count);
        if (kind is ExitKind.IoIn or ExitKind.IoOut)
        {
            var bit = 1 << (int)(address & 31);
            if ((Interlocked.Or(ref _portsSeen[(address >> 5) & 0x7FF], bit) & bit) != 0)
                return;
        }
        else if (_mmioSeen.Count >= MaxMmioAddresses || !_mmioSeen.TryAdd(address, 0))
        {
            return;
        }
        LogUnclaimed(logger, kind, address, size);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unclaimed {Kind} at 0x{Address:x} ({Size} bytes): reads return all-ones, writes are dropped (logged once per address)")]
    private static partial void LogUnclaimed(ILogger logger, ExitKind kind, ulong address, int size);
}
