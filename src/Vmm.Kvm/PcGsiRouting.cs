using Vmm.Kvm.Native;

namespace Vmm.Kvm;

/// <summary>
/// The GSI routing of QEMU's <c>pc</c> machine (hw/i386/kvm/ioapic.c, kvm_pc_setup_irq_routing), given to KVM with
/// KVM_SET_GSI_ROUTING: GSIs 0-15 are the ISA IRQs and reach both the 8259 pair (0-7 the master's pins, 8-15 the
/// slave's) and the IOAPIC pin of the same number, except ISA IRQ 0 (the PIT), which is wired to IOAPIC pin 2 as on a
/// real PC (the MP spec and ACPI's interrupt source override say so); GSIs 16-23 reach the IOAPIC only. Nothing
/// drives master pin 2, the slave's cascade input, so GSI 2 has no route at all.
/// </summary>
internal static class PcGsiRouting
{
    /// <summary>Pins of KVM's IOAPIC (KVM_IOAPIC_NUM_PINS): the GSIs a device may use.</summary>
    public const int GsiCount = 24;

    /// <summary>The master PIC pin the slave is cascaded into.</summary>
    public const int CascadeIrq = 2;

    /// <summary>The ISA IRQ of the PIT, which the IOAPIC sees on pin 2.</summary>
    public const int TimerIrq = 0;

    public static KvmIrqRoutingEntry[] Build()
    {
        var entries = new List<KvmIrqRoutingEntry>(40);
        for (uint gsi = 0; gsi < 16; gsi++)
        {
            if (gsi == CascadeIrq)
                continue;
            entries.Add(gsi < 8
                ? KvmIrqRoutingEntry.ToChip(gsi, KvmIrqRoutingEntry.PicMaster, gsi)
                : KvmIrqRoutingEntry.ToChip(gsi, KvmIrqRoutingEntry.PicSlave, gsi - 8));
        }

        for (uint gsi = 0; gsi < GsiCount; gsi++)
        {
            if (gsi == CascadeIrq)
                continue;
            entries.Add(KvmIrqRoutingEntry.ToChip(gsi, KvmIrqRoutingEntry.Ioapic, gsi == TimerIrq ? (uint)CascadeIrq : gsi));
        }

        return [.. entries];
    }
}
