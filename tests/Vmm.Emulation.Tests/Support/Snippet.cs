using Vmm.Core.Hypervisor;

namespace Vmm.Emulation.Tests.Support;

/// <summary>
/// Runs a few literal instruction bytes, then <c>hlt</c>, from chosen registers and flags, and returns the
/// registers after: the Cloud Hypervisor style of instruction test.
/// </summary>
internal static class Snippet
{
    public delegate void RegisterSetup(ref VcpuRegisters registers);

    public static VcpuRegisters Run(CpuMode mode, byte[] code, RegisterSetup? setup = null, Action<EmulatedGuest>? prepare = null)
    {
        using EmulatedGuest guest = Start(mode, code, setup, prepare);
        guest.RunToHalt();
        return guest.Registers;
    }

    /// <summary>Loads <paramref name="code"/> plus a <c>hlt</c> and sets the registers, without running.</summary>
    public static EmulatedGuest Start(CpuMode mode, byte[] code, RegisterSetup? setup = null, Action<EmulatedGuest>? prepare = null)
    {
        EmulatedGuest guest = EmulatedGuest.StartBytes(mode, [.. code, 0xF4], prepare);
        VcpuRegisters registers = guest.Registers;
        setup?.Invoke(ref registers);
        guest.Vcpu.SetRegisters(registers);
        return guest;
    }
}
