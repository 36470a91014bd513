namespace Vmm.Emulation.Chipset;

/// <summary>
/// The 8259A pair's registers at one moment, 16 bits each: bit n is ISA IRQ n (bits 0-7 the master's, 8-15 the
/// slave's). Read it with <see cref="PcChipset.ReadPicState"/>.
/// </summary>
/// <param name="Requests">IRR: inputs requesting service.</param>
/// <param name="InService">ISR: interrupts acknowledged and not yet ended by an EOI.</param>
/// <param name="Masked">IMR: masked inputs (OCW1).</param>
/// <param name="LevelTriggered">ELCR: level-triggered inputs.</param>
/// <param name="MasterVectorBase">The master's ICW2: IRQ 0's vector.</param>
/// <param name="SlaveVectorBase">The slave's ICW2: IRQ 8's vector.</param>
/// <param name="Initialized">Both chips have been through ICW1-ICW4.</param>
/// <param name="PendingVector">The vector the CPU's next acknowledge would read, or -1 when the PIC's INT output is low.</param>
public readonly record struct PicState(
    ushort Requests, ushort InService, ushort Masked, ushort LevelTriggered,
    byte MasterVectorBase, byte SlaveVectorBase, bool Initialized, int PendingVector)
{
    /// <summary>True when the PIC asks the CPU for an interrupt (its INT output is high).</summary>
    public bool HasPendingInterrupt => PendingVector >= 0;

    /// <inheritdoc />
    public override string ToString() =>
        $"IRR={Requests:x4} ISR={InService:x4} IMR={Masked:x4} ELCR={LevelTriggered:x4} vectors {MasterVectorBase:x2}/{SlaveVectorBase:x2}"
        + (PendingVector >= 0 ? $", next vector 0x{PendingVector:x2}" : ", nothing pending");
}
