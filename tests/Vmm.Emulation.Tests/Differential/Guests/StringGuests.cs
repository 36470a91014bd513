using System.Text;
using Vmm.Core.Hypervisor;
using Vmm.Emulation.Tests.Differential.Harness;
using static Iced.Intel.AssemblerRegisters;
using static Vmm.Emulation.Tests.Differential.Harness.GuestLayout;

namespace Vmm.Emulation.Tests.Differential.Guests;

/// <summary>String instructions over RAM: MOVS STOS LODS CMPS SCAS, with and without REP, in both directions and every width.</summary>
internal static class StringGuests
{
    private const uint Source = (uint)DataAddress, Target = (uint)DataAddress + 0x100;

    private static byte[] Pattern(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)(0x40 + i))];

    public static IEnumerable<GuestProgram> All =>
    [
        new("rep_movs_stos_both_directions_and_overlap", CpuMode.Protected32, a =>
        {
            a.cld();
            a.mov(esi, Source);
            a.mov(edi, Target);
            a.mov(ecx, 7);
            a.rep.movsb();
            a.OutValue(esi);
            a.OutValue(edi);
            a.OutValue(ecx);
            a.std();
            a.mov(esi, Source + 0x1F);
            a.mov(edi, Target + 0x3F);
            a.mov(ecx, 5);
            a.rep.movsb();
            a.OutValue(esi);
            a.OutValue(edi);
            a.cld();
            a.mov(esi, Source);
            a.mov(edi, Target + 0x10);
            a.mov(ecx, 3);
            a.rep.movsw();
            a.std();
            a.mov(esi, Source + 0x1C);
            a.mov(edi, Target + 0x2C);
            a.mov(ecx, 2);
            a.rep.movsd();
            a.OutValue(esi);
            a.OutValue(edi);
            a.cld();
            a.mov(esi, Target);                         // overlapping, forward: the first byte spreads
            a.mov(edi, Target + 1);
            a.mov(ecx, 8);
            a.rep.movsb();
            a.mov(edi, Target + 0x50);
            a.mov(al, 0xAA);
            a.mov(ecx, 9);
            a.rep.stosb();
            a.std();
            a.mov(eax, 0x1122_3344);
            a.mov(edi, Target + 0x68);
            a.mov(ecx, 3);
            a.rep.stosd();
            a.OutValue(edi);
            a.mov(ecx, 0);
            a.rep.movsd();                              // count 0: nothing moves
            a.OutValue(esi);
            a.movsb();                                  // no REP, DF=1
            a.OutValue(esi);
            a.OutValue(edi);
            a.cld();
            a.mov(esi, Target + 0x50);
            a.lodsw();
            a.OutValue(eax);
            for (uint offset = 0; offset < 0x70; offset += 4)
                a.OutValue(__dword_ptr[Target + offset]);
            a.hlt();
        })
        {
            Data = [new GuestData(Source, Pattern(0x20))],
        },

        new("repe_cmps_and_repne_scas", CpuMode.Protected32, a =>
        {
            a.cld();
            a.mov(esi, Source);
            a.mov(edi, Source + 0x20);
            a.mov(ecx, 11);
            a.repe.cmpsb();                             // stops after the first mismatch
            a.OutFlags();
            a.OutValue(ecx);
            a.OutValue(esi);
            a.OutValue(edi);
            a.mov(edi, Source);
            a.mov(al, (byte)'O');
            a.mov(ecx, 11);
            a.repne.scasb();                            // finds the first O
            a.OutFlags();
            a.OutValue(ecx);
            a.OutValue(edi);
            a.mov(esi, Source);
            a.mov(edi, Source + 0x20);
            a.mov(ecx, 3);
            a.repe.cmpsw();                             // all equal: runs out, ZF stays set
            a.OutFlags();
            a.OutValue(ecx);
            a.mov(edi, Source);
            a.mov(eax, 0xDEAD_BEEF);
            a.mov(ecx, 4);
            a.repne.scasd();                            // not found
            a.OutFlags();
            a.OutValue(edi);
            a.std();
            a.mov(esi, Source + 0x0C);
            a.mov(edi, Source + 0x2C);
            a.mov(ecx, 4);
            a.repe.cmpsd();                             // backwards
            a.OutFlags();
            a.OutValue(ecx);
            a.OutValue(esi);
            a.cld();
            a.mov(ebx, 1);
            a.cmp(ebx, 2);                              // known flags, then a count of 0 keeps them
            a.mov(ecx, 0);
            a.repe.cmpsb();
            a.OutFlags();
            a.mov(esi, Source);
            a.mov(edi, Source + 0x20);
            a.cmpsb();                                  // no REP
            a.OutFlags();
            a.OutValue(esi);
            a.hlt();
        })
        {
            Data =
            [
                new GuestData(Source, Encoding.ASCII.GetBytes("HELLO WORLD!")),
                new GuestData(Source + 0x20, Encoding.ASCII.GetBytes("HELLO THERE!")),
            ],
        },

        new("long64_string_ops", CpuMode.Long64, a =>
        {
            a.cld();
            a.mov(esi, Source);
            a.mov(edi, Target);
            a.mov(ecx, 4);
            a.rep.movsq();
            a.OutValue(rsi);
            a.OutValue(rdi);
            a.mov(rax, 0x8877_6655_4433_2211ul);
            a.mov(ecx, 2);
            a.rep.stosq();
            a.std();
            a.lodsq();                                  // from Source + 0x20, then back 8
            a.OutValue(rax);
            a.OutValue(rsi);
            a.cld();
            a.mov(edi, Target);
            a.mov(rax, __qword_ptr[Source + 8]);
            a.mov(ecx, 4);
            a.repne.scasq();                            // the second qword
            a.OutFlags();
            a.OutValue(rcx);
            a.OutValue(rdi);
            a.mov(esi, Source);
            a.mov(edi, Target + 0x40);
            a.movsd();                                  // the string MOVSD (A5), not the SSE one
            a.movsw();
            a.movsb();
            a.OutValue(rsi);
            a.OutValue(__dword_ptr[Target + 0x40]);
            a.OutValue(__dword_ptr[Target + 0x44]);
            a.hlt();
        })
        {
            Data = [new GuestData(Source, Pattern(0x30))],
        },

        new("real_mode_strings_across_segments_and_offset_wrap", CpuMode.Real, a =>
        {
            a.mov(ax, 0x0400);
            a.mov(ds, ax);                              // DS:0000 = 0x4000
            a.mov(ax, 0x0500);
            a.mov(es, ax);                              // ES:0000 = 0x5000
            a.cld();
            a.mov(si, 0);
            a.mov(di, 0x10);
            a.mov(ecx, 0xABCD_0004);                    // REP counts CX only
            a.rep.movsw();
            a.OutValue(ecx);
            a.OutValue(esi);
            a.OutValue(edi);
            a.mov(di, 0xFFFE);                          // ES:FFFE, then DI wraps to ES:0000
            a.mov(ax, 0x7777);
            a.mov(cx, 3);
            a.rep.stosw();
            a.OutValue(edi);
            a.mov(si, 0xFFFF);
            a.lodsb();                                  // DS:FFFF, SI wraps to 0
            a.OutValue(eax);
            a.OutValue(esi);
            a.mov(ax, 0);
            a.mov(ds, ax);
            a.mov(es, ax);
            a.OutValue(__dword_ptr[0x5010]);
            a.OutValue(__dword_ptr[0x5000]);
            a.mov(ax, 0x1000);
            a.mov(ds, ax);
            a.OutValue(__dword_ptr[0x4FFC]);            // ES:FFFE above, linear 0x14FFE
            a.mov(ax, 0);
            a.mov(ds, ax);
            a.hlt();
        })
        {
            Data = [new GuestData(DataAddress, Pattern(0x10)), new GuestData(0x13FFF, [0x99])],
        },
    ];
}
