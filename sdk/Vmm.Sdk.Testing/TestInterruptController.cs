using Vmm.Emulation.Chipset;

namespace Vmm.Sdk.Testing;

/// <summary>
/// The PC interrupt controller (the 8259A pair) of a <see cref="TestVm"/>, as a guest would see it: the registers
/// after a device moved its line, and the vector the CPU's next interrupt acknowledge would read. Like KVM's
/// in-kernel PIC its ports (0x20, 0x21, 0xA0, 0xA1, 0x4D0, 0x4D1) belong to the machine: a guest run on the emulator
/// programs it with OUT, and a scripted test programs it through <see cref="Initialize"/>, <see cref="SetMask"/>,
/// <see cref="Write"/> and <see cref="Read"/> (scripted <c>vm.Out8</c> goes to the device buses). Get it with
/// <see cref="TestVm.InterruptController"/>.
/// </summary>
/// <example>
/// <code>
/// vm.InterruptController.Initialize();                 // vectors 0x20-0x2F, nothing masked
/// vm.Out8(0x3f9, 0x02);                                 // the UART's THRE interrupt enable
/// Assert.Equal(0x24, vm.InterruptController.PendingVector);
/// Assert.Equal(0x24, vm.InterruptController.Acknowledge());
/// vm.InterruptController.EndOfInterrupt(4);
/// </code>
/// </example>
public sealed class TestInterruptController
{
    private readonly PcChipset _chipset;

    internal TestInterruptController(PcChipset chipset) => _chipset = chipset;

    /// <summary>All the registers at once (consistent with each other).</summary>
    public PicState State => _chipset.ReadPicState();

    /// <summary>IRR, bit n for ISA IRQ n: inputs requesting service.</summary>
    public ushort Requests => State.Requests;

    /// <summary>ISR: interrupts acknowledged and not yet ended.</summary>
    public ushort InService => State.InService;

    /// <summary>IMR: masked inputs.</summary>
    public ushort Masked => State.Masked;

    /// <summary>The vector the CPU's next acknowledge would read, or -1 when no interrupt is pending.</summary>
    public int PendingVector => State.PendingVector;

    /// <summary>True when the PIC asks the CPU for an interrupt.</summary>
    public bool HasPendingInterrupt => State.HasPendingInterrupt;

    /// <summary>How many interrupts the guest's vCPU 0 (or <see cref="Acknowledge"/>) has taken.</summary>
    public long InterruptsAcknowledged => _chipset.InterruptsAcknowledged;

    /// <summary>
    /// The initialization Linux and SeaBIOS make: ICW1-ICW4 on both chips (edge-triggered, cascade on IRQ 2, 8086
    /// mode, normal EOI), IRQ 0-7 at <paramref name="masterVectorBase"/>, 8-15 at <paramref name="slaveVectorBase"/>,
    /// nothing masked.
    /// </summary>
    public void Initialize(byte masterVectorBase = 0x20, byte slaveVectorBase = 0x28)
    {
        Write(Pic8259Pair.MasterCommandPort, 0x11);
        Write(Pic8259Pair.MasterDataPort, masterVectorBase);
        Write(Pic8259Pair.MasterDataPort, 1 << Pic8259Pair.CascadeIrq);
        Write(Pic8259Pair.MasterDataPort, 0x01);
        Write(Pic8259Pair.SlaveCommandPort, 0x11);
        Write(Pic8259Pair.SlaveDataPort, slaveVectorBase);
        Write(Pic8259Pair.SlaveDataPort, Pic8259Pair.CascadeIrq);
        Write(Pic8259Pair.SlaveDataPort, 0x01);
        SetMask(0);
    }

    /// <summary>Writes both IMRs (OCW1): bit n set masks ISA IRQ n.</summary>
    public void SetMask(ushort mask)
    {
        Write(Pic8259Pair.MasterDataPort, (byte)mask);
        Write(Pic8259Pair.SlaveDataPort, (byte)(mask >> 8));
    }

    /// <summary>What the CPU's INTA cycle does: the vector, with the interrupt now in service (the spurious IRQ 7 vector if nothing is pending).</summary>
    public int Acknowledge()
    {
        if (!_chipset.TryAcknowledge(out byte vector))
        {
            // Nothing pending: a real INTA still reads the master's spurious vector.
            return State.MasterVectorBase + 7;
        }

        return vector;
    }

    /// <summary>A specific EOI for ISA IRQ <paramref name="irq"/> (OCW2), to the slave and then the master for IRQ 8-15, as a guest's handler sends them.</summary>
    public void EndOfInterrupt(int irq)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)irq, 16u, nameof(irq));
        if (irq >= 8)
        {
            Write(Pic8259Pair.SlaveCommandPort, (byte)(0x60 | (irq - 8)));
            irq = Pic8259Pair.CascadeIrq;
        }

        Write(Pic8259Pair.MasterCommandPort, (byte)(0x60 | irq));
    }

    /// <summary>A guest's OUT to one of the PC chipset's ports (PIC, ELCR, PIT 0x40-0x43, port 0x61).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The chipset does not answer <paramref name="port"/>.</exception>
    public void Write(ushort port, byte value)
    {
        ThrowIfNotChipset(port);
        _chipset.WritePort(port, value);
    }

    /// <summary>A guest's IN from one of the PC chipset's ports.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The chipset does not answer <paramref name="port"/>.</exception>
    public byte Read(ushort port)
    {
        ThrowIfNotChipset(port);
        return _chipset.ReadPort(port);
    }

    /// <inheritdoc />
    public override string ToString() => State.ToString();

    private static void ThrowIfNotChipset(ushort port)
    {
        if (!PcChipset.ClaimsPort(port))
            throw new ArgumentOutOfRangeException(nameof(port), $"port 0x{port:x} is not one of the chipset's (0x20-0x21, 0x40-0x43, 0x61, 0xa0-0xa1, 0x4d0-0x4d1); use vm.Out8/In8 for device ports");
    }
}
