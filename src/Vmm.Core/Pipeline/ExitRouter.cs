using Vmm.Core.Buses;
using Vmm.Sdk;

namespace Vmm.Core.Pipeline;

/// <summary>
/// The terminal stage: sends I/O to the <see cref="IoBus"/>, MMIO to the <see cref="MmioBus"/>, and applies
/// the default policy to the rest. String I/O reaches the device as <see cref="ExitContext.Count"/>
/// accesses in order. An access nobody claims reads all-ones and drops writes.
/// </summary>
public sealed class ExitRouter(IoBus io, MmioBus mmio, UnclaimedAccessLog unclaimed, VmStopSignal stop)
{
    public void Handle(ref ExitContext exit)
    {
        switch (exit.Kind)
        {
            case ExitKind.IoIn:
            case ExitKind.IoOut:
                RoutePortAccess(ref exit);
                break;
            case ExitKind.MmioRead:
            case ExitKind.MmioWrite:
                RouteMmioAccess(ref exit);
                break;
            case ExitKind.Halt:
                // No interrupt controller can wake a halted vCPU yet, so halting ends its run.
                if (exit.Outcome == ExitOutcome.Resume)
                    exit.Outcome = ExitOutcome.StopVcpu;
                break;
            case ExitKind.Shutdown:
            case ExitKind.Reset:
            case ExitKind.Fatal:
                exit.Outcome = ExitOutcome.StopVm;
                break;
        }
        if (stop.IsRequested)
            exit.Outcome = ExitOutcome.StopVm;
    }

    private void RoutePortAccess(ref ExitContext exit)
    {
        var size = exit.Size;
        if (size <= 0 || exit.Count <= 0 || (long)size * exit.Count > exit.Data.Length)
            return;
        var port = (ushort)exit.Address;
        var claimed = true;
        var data = exit.Data;
        for (var i = 0; i < exit.Count; i++)
        {
            var element = data.Slice(i * size, size);
            var ok = exit.Kind == ExitKind.IoIn
                ? io.Read(port, exit.VcpuId, element)
                : io.Write(port, exit.VcpuId, element);
            if (!ok)
            {
                claimed = false;
                if (exit.Kind == ExitKind.IoIn)
                    element.Fill(0xFF);
            }
        }
        exit.Handled = claimed;
        if (!claimed)
            unclaimed.Record(exit.Kind, exit.Address, size);
    }

    private void RouteMmioAccess(ref ExitContext exit)
    {
        var data = exit.Data.Length > exit.Size && exit.Size > 0 ? exit.Data[..exit.Size] : exit.Data;
        var ok = exit.Kind == ExitKind.MmioRead
            ? mmio.Read(exit.Address, exit.VcpuId, data)
            : mmio.Write(exit.Address, exit.VcpuId, data);
        exit.Handled = ok;
        if (!ok)
        {
            if (exit.Kind == ExitKind.MmioRead)
                data.Fill(0xFF);
            unclaimed.Record(exit.Kind, exit.Address, data.Length);
        }
    }
}
