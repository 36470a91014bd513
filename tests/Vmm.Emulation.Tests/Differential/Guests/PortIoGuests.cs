using System.Text;
using Vmm.Core.Hypervisor;
using Vmm.Emulation.Tests.Differential.Harness;
using Vmm.Sdk;
using static Iced.Intel.AssemblerRegisters;
using static Vmm.Emulation.Tests.Differential.Harness.GuestLayout;

namespace Vmm.Emulation.Tests.Differential.Guests;

/// <summary>
/// Guests doing port I/O: every size and both port encodings, and string I/O with and without REP in both
/// directions. KVM exits once per OUTS element but reads INS ahead in one exit of several elements
/// (arch/x86/kvm/emulate.c, pio_in_emulated), at most up to the end of the page.
/// </summary>
internal static class PortIoGuests
{
    private const ushort Serial = 0x3F8;
    private const byte Keyboard = 0x60;
    private static readonly byte[] s_text = Encoding.ASCII.GetBytes("0123456789ABCDEFGHIJKLMNOPQRSTUV");

    public static IEnumerable<GuestProgram> All =>
    [
        new("port_in_out_every_size_and_encoding", CpuMode.Real, a =>
        {
            a.mov(al, 0x11);
            a.@out(0x80, al);
            a.mov(ax, 0x2233);
            a.@out(0x82, ax);
            a.mov(eax, 0x4455_6677);
            a.@out(0x84, eax);
            a.mov(dx, Serial);
            a.@out(dx, al);
            a.@out(dx, ax);
            a.@out(dx, eax);
            a.@in(al, Keyboard);                // only AL changes
            a.OutValue(eax);
            a.@in(ax, Keyboard);
            a.OutValue(eax);
            a.@in(eax, Keyboard);
            a.OutValue(eax);
            a.mov(dx, 0xFFFF);                  // the last port
            a.@in(al, dx);
            a.@out(dx, al);
            a.mov(dx, 0x1F0);
            a.@in(ax, dx);
            a.mov(bx, ax);
            a.@in(eax, dx);
            a.OutValue(bx);
            a.OutValue(eax);
            a.cmp(bx, ax);
            a.hlt();
        }),

        new("rep_outsb_outsw_forward_and_backward", CpuMode.Real, a =>
        {
            a.mov(dx, Serial);
            a.cld();
            a.mov(si, (ushort)DataAddress);
            a.mov(cx, 5);
            a.rep.outsb();                      // "01234"
            a.OutValue(si);
            a.OutValue(ecx);                    // CX 0, the upper half untouched
            a.std();
            a.mov(si, (ushort)DataAddress + 15);
            a.mov(cx, 4);
            a.rep.outsb();                      // "FEDC"
            a.OutValue(si);
            a.cld();
            a.mov(si, (ushort)DataAddress);
            a.mov(cx, 3);
            a.rep.outsw();                      // "01" "23" "45"
            a.std();
            a.mov(si, (ushort)DataAddress + 14);
            a.mov(cx, 3);
            a.rep.outsw();                      // "EF" "CD" "AB"
            a.OutValue(si);
            a.OutFlags();                       // DF still set
            a.cld();
            a.outsb();                          // no REP: one byte, CX untouched
            a.OutValue(si);
            a.mov(cx, 0);
            a.rep.outsb();                      // count 0: no access
            a.OutValue(si);
            a.hlt();
        })
        {
            Data = [new GuestData(DataAddress, s_text)],
            Check = t => Assert.Equal("01234FEDC012345EFCDAB8",
                Encoding.ASCII.GetString(t.Exits.Where(e => e.Kind == ExitKind.IoOut && e.Address == Serial).SelectMany(e => e.Data).ToArray())),
        },

        new("rep_insb_insw_forward_and_backward", CpuMode.Real, a =>
        {
            a.mov(dx, Keyboard);
            a.cld();
            a.mov(di, (ushort)DataAddress + 0x100);
            a.mov(cx, 6);
            a.rep.insb();
            a.OutValue(di);
            a.std();
            a.mov(di, (ushort)DataAddress + 0x207);
            a.mov(cx, 4);
            a.rep.insb();                       // fills 0x207 down to 0x204
            a.OutValue(di);
            a.cld();
            a.mov(di, (ushort)DataAddress + 0x300);
            a.mov(cx, 3);
            a.rep.insw();
            a.std();
            a.mov(di, (ushort)DataAddress + 0x406);
            a.mov(cx, 3);
            a.rep.insw();                       // words at 0x406, 0x404, 0x402
            a.OutValue(di);
            a.cld();
            a.insb();                           // no REP
            a.OutValue(di);
            a.OutValue(__dword_ptr[DataAddress + 0x100]);
            a.OutValue(__dword_ptr[DataAddress + 0x204]);
            a.OutValue(__dword_ptr[DataAddress + 0x300]);
            a.OutValue(__dword_ptr[DataAddress + 0x404]);
            a.OutValue(cx);
            a.cmp(di, cx);
            a.hlt();
        }),

        new("string_io_protected32_dwords_and_page_crossing", CpuMode.Protected32, a =>
        {
            a.mov(dx, Serial);
            a.cld();
            a.mov(esi, (uint)DataAddress);
            a.mov(ecx, 3);
            a.rep.outsd();
            a.OutValue(esi);
            a.std();
            a.mov(esi, (uint)DataAddress + 28);
            a.mov(ecx, 2);
            a.rep.outsd();
            a.OutValue(esi);
            a.cld();
            a.mov(dx, Keyboard);
            a.mov(edi, (uint)DataAddress + 0x800);
            a.mov(ecx, 3);
            a.rep.insd();
            a.OutValue(__dword_ptr[DataAddress + 0x808]);
            a.mov(edi, (uint)DataAddress + 0xFFE);    // 2 bytes left in this page, 3 in the next
            a.mov(ecx, 5);
            a.rep.insb();
            a.OutValue(edi);
            a.OutValue(__dword_ptr[DataAddress + 0xFFC]);
            a.OutValue(__dword_ptr[DataAddress + 0x1000]);
            a.mov(ecx, 0);
            a.rep.insw();                       // count 0: no access
            a.OutValue(edi);
            a.test(ecx, ecx);
            a.hlt();
        })
        {
            Data = [new GuestData(DataAddress, s_text)],
            UndefinedFinalFlags = Flags.AF,     // TEST leaves AF undefined
        },

        new("rep_insb_longer_than_kvm_reads_ahead", CpuMode.Protected32, a =>
        {
            // KVM reads INS ahead into a 1 KiB buffer (struct read_cache), so 2304 bytes from a page boundary
            // arrive as exits of 1024, 1024 and 256 elements.
            a.cld();
            a.mov(dx, Keyboard);
            a.mov(edi, (uint)DataAddress + 0x1000);
            a.mov(ecx, 0x900);
            a.rep.insb();
            a.OutValue(edi);
            a.OutValue(__dword_ptr[DataAddress + 0x1000 + 0x3FE]);
            a.OutValue(__dword_ptr[DataAddress + 0x1000 + 0x8FC]);
            a.cmp(edi, ecx);
            a.hlt();
        }),

        new("rep_ins_outs_backward_across_a_page_boundary", CpuMode.Protected32, a =>
        {
            // KVM reads INS ahead only to the start of the page when DF=1, and at least one element.
            a.std();
            a.mov(dx, Keyboard);
            a.mov(edi, (uint)DataAddress + 0x1001);
            a.mov(ecx, 4);
            a.rep.insb();
            a.OutValue(edi);
            a.mov(dx, Serial);
            a.mov(esi, (uint)DataAddress + 0x1001);
            a.mov(ecx, 4);
            a.rep.outsb();
            a.OutValue(esi);
            a.mov(dx, Keyboard);
            a.mov(edi, (uint)DataAddress + 0x1002);
            a.mov(ecx, 3);
            a.rep.insw();
            a.cld();
            a.OutValue(__dword_ptr[DataAddress + 0xFFC]);
            a.OutValue(__dword_ptr[DataAddress + 0x1000]);
            a.cmp(edi, esi);
            a.hlt();
        }),
    ];
}
