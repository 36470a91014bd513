using Iced.Intel;
using Vmm.Core.Hypervisor;
using Vmm.Emulation.Tests.Differential.Harness;
using static Iced.Intel.AssemblerRegisters;
using static Vmm.Emulation.Tests.Differential.Harness.GuestLayout;

namespace Vmm.Emulation.Tests.Differential.Guests;

/// <summary>
/// Segment bases outside real mode: a protected-mode data segment based at <see cref="GuestLayout.DataAddress"/>
/// (for ordinary and string operands and overrides), and in long mode the FS and GS bases from their MSRs,
/// SWAPGS, and DS bases that 64-bit mode ignores.
/// </summary>
internal static class SegmentGuests
{
    private const uint FsBaseMsr = 0xC000_0100, GsBaseMsr = 0xC000_0101, KernelGsBaseMsr = 0xC000_0102;

    private static readonly byte[] s_words = [.. Enumerable.Range(0, 0x40).Select(i => (byte)(0xC0 + i))];

    public static IEnumerable<GuestProgram> All =>
    [
        new("protected32_segment_bases_and_overrides", CpuMode.Protected32, a =>
        {
            a.lgdt(__[GdtrAddress]);
            a.mov(ax, BasedDataSelector);
            a.mov(es, ax);
            a.mov(fs, ax);
            a.mov(eax, __dword_ptr.es[0x10]);            // DataAddress + 0x10
            a.OutValue(eax);
            a.mov(__dword_ptr.fs[0x100], 0xFEED_F00D);
            a.OutValue(__dword_ptr[DataAddress + 0x100]);   // DS is flat
            a.cld();
            a.mov(edi, 0x200);                              // STOS writes ES:EDI
            a.mov(eax, 0x5151_5151);
            a.mov(ecx, 2);
            a.rep.stosd();
            a.OutValue(__dword_ptr[DataAddress + 0x204]);
            a.mov(esi, (uint)DataAddress + 0x20);           // MOVS reads DS:ESI, writes ES:EDI
            a.mov(edi, 0x300);
            a.movsd();
            a.OutValue(__dword_ptr[DataAddress + 0x300]);
            a.mov(esi, 0x30);
            a.db(0x64);                                     // FS: an override of the source segment ...
            a.lodsd();                                      // ... (Iced has no LODSD with operands)
            a.OutValue(eax);
            a.mov(ax, es);
            a.OutValue(ax);
            a.mov(ax, DataSelector);
            a.mov(es, ax);
            a.mov(fs, ax);
            a.cmp(esi, edi);
            a.hlt();
        })
        {
            Data = [new GuestData(DataAddress, s_words)],
        },

        new("long64_fs_gs_bases_swapgs_and_ignored_ds_base", CpuMode.Long64, a =>
        {
            a.lgdt(__[GdtrAddress]);
            WriteMsr(a, FsBaseMsr, DataAddress);
            WriteMsr(a, GsBaseMsr, DataAddress + 0x10);
            WriteMsr(a, KernelGsBaseMsr, DataAddress + 0x20);
            a.mov(eax, __dword_ptr.fs[0x4]);
            a.OutValue(eax);
            a.mov(eax, __dword_ptr.gs[0x4]);
            a.OutValue(eax);
            a.swapgs();
            a.mov(eax, __dword_ptr.gs[0x4]);
            a.OutValue(eax);
            a.mov(ecx, KernelGsBaseMsr);
            a.rdmsr();
            a.OutValue(eax);
            a.mov(bx, BasedDataSelector);
            a.mov(ds, bx);                                  // 64-bit mode ignores its base 0x4000 ...
            a.mov(eax, __dword_ptr[DataAddress + 0x8]);
            a.OutValue(eax);
            a.mov(fs, bx);                                  // ... but loading FS sets the FS base from the descriptor
            a.mov(ecx, FsBaseMsr);
            a.rdmsr();
            a.OutValue(eax);
            a.mov(ax, DataSelector);
            a.mov(ds, ax);
            a.mov(fs, ax);
            a.cmp(eax, ecx);
            a.hlt();
        })
        {
            Data = [new GuestData(DataAddress, s_words)],
        },
    ];

    private static void WriteMsr(Assembler a, uint msr, ulong value)
    {
        a.mov(ecx, msr);
        a.mov(eax, (uint)value);
        a.mov(edx, (uint)(value >> 32));
        a.wrmsr();
    }
}
