using Vmm.Core.Machine;
using Vmm.Sdk;

namespace Vmm.Host.Commands;

/// <summary>The <c>--stats</c> table: exits by kind, accesses by device, unclaimed accesses.</summary>
public static class StatsReport
{
    public static void Write(Vm vm, TextWriter writer)
    {
        writer.WriteLine("exits by kind:");
        foreach (var kind in Enum.GetValues<ExitKind>())
        {
            var count = vm.Metrics.Count(kind);
            if (count > 0)
                writer.WriteLine($"  {kind,-12} {count,12:N0}");
        }
        writer.WriteLine($"  {"total",-12} {vm.Metrics.Total,12:N0}");
        writer.WriteLine("accesses by device:");
        foreach (var device in vm.Devices)
            writer.WriteLine($"  {device.Name + " (" + device.Type + ")",-32} {device.Accesses,12:N0}{(device.IsFaulted ? "  FAULTED" : "")}");
        writer.WriteLine($"  {"(unclaimed)",-32} {vm.Unclaimed.Count,12:N0}");
    }
}
