using Vmm.Core.Hypervisor;
using Vmm.Emulation.Tests.Differential.Harness;
using static Iced.Intel.AssemblerRegisters;
using static Vmm.Emulation.Tests.Differential.Harness.GuestLayout;

namespace Vmm.Emulation.Tests.Differential.Guests;

/// <summary>XCHG, CMPXCHG (8, 32 and 64-bit forms, hit and miss), XADD and BSWAP, with and without LOCK.</summary>
internal static class ExchangeGuests
{
    private const uint Cell = (uint)DataAddress;

    public static IEnumerable<GuestProgram> All =>
    [
        new("xchg_cmpxchg_xadd_bswap", CpuMode.Protected32, a =>
        {
            a.mov(eax, 1);
            a.mov(ebx, 2);
            a.xchg(eax, ebx);
            a.OutValue(eax);
            a.mov(ecx, 0x1357_9BDF);
            a.xchg(__dword_ptr[Cell], ecx);
            a.OutValue(ecx);
            a.mov(dl, 0x55);
            a.xchg(dh, dl);
            a.OutValue(edx);
            // CMPXCHG: equal -> ZF, destination = source; not equal -> accumulator = destination.
            a.mov(eax, 5);
            a.mov(ecx, 9);
            a.@lock.cmpxchg(__dword_ptr[Cell + 8], ecx);
            a.OutFlags();
            a.OutValue(eax);
            a.OutValue(__dword_ptr[Cell + 8]);
            a.cmpxchg(__dword_ptr[Cell + 8], ecx);      // now 9 != 5
            a.OutFlags();
            a.OutValue(eax);
            a.mov(al, 0x80);
            a.mov(bl, 0x80);
            a.mov(cl, 1);
            a.cmpxchg(bl, cl);
            a.OutFlags();
            a.OutValue(ebx);
            a.mov(al, 0x7F);
            a.cmpxchg(bl, cl);                          // 0x7F - 0x01: no borrow
            a.OutFlags();
            a.OutValue(eax);
            // CMPXCHG8B: EDX:EAX against the qword; ECX:EBX goes in on a hit.
            a.mov(edx, 0x0000_0002);
            a.mov(eax, 0x0000_0001);
            a.mov(ecx, 0xCCCC_CCCC);
            a.mov(ebx, 0xBBBB_BBBB);
            a.@lock.cmpxchg8b(__qword_ptr[Cell + 0x10]);
            a.OutFlags();
            a.OutValue(__dword_ptr[Cell + 0x10]);
            a.OutValue(__dword_ptr[Cell + 0x14]);
            a.cmpxchg8b(__qword_ptr[Cell + 0x10]);      // now a miss: EDX:EAX gets the qword
            a.OutFlags();
            a.OutValue(edx);
            a.OutValue(eax);
            // XADD: destination = sum, source = old destination, flags of the addition.
            a.mov(eax, 0x7FFF_FFFF);
            a.@lock.xadd(__dword_ptr[Cell + 0x18], eax);
            a.OutFlags();
            a.OutValue(eax);
            a.OutValue(__dword_ptr[Cell + 0x18]);
            a.mov(si, 0xFFFF);
            a.mov(di, 0x0001);
            a.xadd(si, di);
            a.OutFlags();
            a.OutValue(esi);
            a.OutValue(edi);
            a.mov(ebp, 0x1122_3344);
            a.bswap(ebp);
            a.OutValue(ebp);
            a.@lock.inc(__dword_ptr[Cell + 0x1C]);
            a.@lock.xchg(__dword_ptr[Cell + 0x1C], ebp);
            a.OutValue(ebp);
            a.hlt();
        })
        {
            Data = [new GuestData(Cell + 8, [5, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x7F])],
        },

        new("long64_exchange_and_byte_swap", CpuMode.Long64, a =>
        {
            a.mov(rax, 0x0102_0304_0506_0708ul);
            a.bswap(rax);
            a.OutValue(rax);
            a.mov(r9, 0x1111_2222_3333_4444ul);
            a.bswap(r9d);                               // zero-extends
            a.OutValue(r9);
            a.mov(rax, __qword_ptr[Cell]);
            a.mov(rcx, 0x0BAD_F00D_0BAD_F00Dul);
            a.@lock.cmpxchg(__qword_ptr[Cell], rcx);
            a.OutFlags();
            a.OutValue(__dword_ptr[Cell]);
            a.OutValue(__dword_ptr[Cell + 4]);
            a.@lock.cmpxchg(__qword_ptr[Cell], rcx);     // RAX still the old value: a miss
            a.OutFlags();
            a.OutValue(rax);
            a.mov(r10, -1L);
            a.mov(r11, 1);
            a.xadd(r10, r11);
            a.OutFlags();
            a.OutValue(r10);
            a.OutValue(r11);
            a.mov(r12d, 0x8000_0000);
            a.xadd(__dword_ptr[Cell + 8], r12d);
            a.OutFlags();
            a.OutValue(r12);
            a.xchg(r13, r14);
            a.xchg(r15d, eax);                          // zero-extends both
            a.hlt();
        })
        {
            Data = [new GuestData(Cell, [0xEF, 0xCD, 0xAB, 0x89, 0x67, 0x45, 0x23, 0x01, 0, 0, 0, 0x80])],
        },
    ];
}
