using Vmm.Core.Hypervisor;
using Vmm.Emulation.Tests.Differential.Harness;
using Vmm.Sdk;
using static Iced.Intel.AssemblerRegisters;
using static Vmm.Emulation.Tests.Differential.Harness.GuestLayout;

namespace Vmm.Emulation.Tests.Differential.Guests;

/// <summary>
/// Guests that catch an interpreter's shortcuts: code changed after it ran (by the guest and by a device's
/// DMA), page tables changed under a running guest, accesses split across pages that are not contiguous
/// in physical memory or that end in MMIO, and 32-bit address arithmetic in long mode.
/// </summary>
internal static class CodeAndPagingGuests
{
    private const ulong Routine = 0x3000, Straight = 0x3100, DmaRoutine = 0x3200;

    // 2 MiB page directory entry bits (Intel SDM Vol. 3A 4.5): present, writable, accessed, dirty, large page.
    private const uint LargePage = 0xE3;

    /// <summary>The page directory that maps 1-2 GiB (see <see cref="GuestImage"/>): entry n maps 0x4000_0000 + n * 2 MiB.</summary>
    private const uint SecondGibDirectory = (uint)Pml4Address + 0x3000;

    public static IEnumerable<GuestProgram> All =>
    [
        new("self_modifying_code_and_dma_into_code", CpuMode.Protected32, a =>
        {
            a.call(Routine);
            a.OutValue(eax);
            a.mov(__dword_ptr[Routine + 1], 0x2222_2222);   // the immediate of MOV EAX, imm32
            a.call(Routine);
            a.OutValue(eax);
            a.mov(__byte_ptr[Routine], 0x40);               // INC EAX, then four INC EAX (0x40) left of the old immediate
            a.mov(__dword_ptr[Routine + 1], 0x4040_4040);
            a.mov(eax, 0);
            a.call(Routine);
            a.OutValue(eax);
            a.call(Straight);                               // patches the very next instruction
            a.OutValue(eax);
            a.call(DmaRoutine);
            a.OutValue(eax);
            a.mov(eax, (uint)DmaRoutine + 1);
            a.@out((byte)DmaAddressPort, eax);
            a.mov(eax, 0xD3A0_0001);
            a.@out((byte)DmaDataPort, eax);                     // the host rewrites the immediate
            a.call(DmaRoutine);
            a.OutValue(eax);
            a.cmp(eax, 1);
            a.hlt();
        })
        {
            MoreCode =
            [
                new CodeBlock(32, Routine, a =>
                {
                    a.mov(eax, 0x1111_1111);
                    a.ret();
                }),
                new CodeBlock(32, Straight, a =>
                {
                    a.mov(__byte_ptr[Straight + 8], 0x77);      // C6 05 disp32 imm8: 7 bytes, so ...
                    a.mov(al, 0x11);                            // ... this MOV's immediate is at Straight + 8
                    a.ret();
                }),
                new CodeBlock(32, DmaRoutine, a =>
                {
                    a.mov(eax, 0x3333_3333);
                    a.ret();
                }),
            ],
            Check = t => Assert.Equal(
                [0x1111_1111u, 0x2222_2222u, 5u, 0x77u, 0x3333_3333u, 0xD3A0_0001u],
                t.Exits.Where(e => e.Kind == ExitKind.IoOut && e.Address > ValuePortBase && e.Address < FlagsPortBase).Select(e => BitConverter.ToUInt32(e.Data) & (e.Address == ValuePortBase + 4 ? 0xFFu : ~0u))),
        },

        new("long64_page_table_changes_and_split_accesses", CpuMode.Long64, a =>
        {
            // 0x4000_0000 and 0x4020_0000 both map physical 0: a dword at 0x401F_FFFE is the last two bytes of
            // RAM's first 2 MiB followed by the first two bytes of RAM.
            a.mov(ebx, SecondGibDirectory);
            a.mov(eax, LargePage);
            a.mov(__qword_ptr[rbx], rax);
            a.mov(__qword_ptr[rbx + 8], rax);
            a.invlpg(__[0x4000_0000]);
            a.invlpg(__[0x4020_0000]);
            a.mov(__dword_ptr[0x1F_FFFC], 0x4433_2211);
            a.mov(__dword_ptr[0], 0x8877_6655);
            a.mov(eax, __dword_ptr[0x401F_FFFE]);
            a.OutValue(eax);
            a.mov(__dword_ptr[0x401F_FFFF], 0xDDCC_BBAA);
            a.OutValue(__dword_ptr[0x1F_FFFC]);
            a.OutValue(__dword_ptr[0]);
            a.mov(rcx, __qword_ptr[0x401F_FFFC]);
            a.OutValue(rcx);
            // Remap 0x4020_0000 to the MMIO register file: exits carry the physical address.
            a.mov(eax, (uint)MmioBase | LargePage);
            a.mov(__qword_ptr[rbx + 8], rax);
            a.invlpg(__[0x4020_0000]);
            a.mov(eax, __dword_ptr[0x4020_0010]);
            a.OutValue(eax);
            a.mov(__dword_ptr[0x4020_0020], ecx);
            a.mov(edx, __dword_ptr[0x401F_FFFE]);           // half RAM, half MMIO
            a.OutValue(edx);
            // Unmap-by-remap through a CR3 reload instead of INVLPG.
            a.mov(eax, LargePage);
            a.mov(__qword_ptr[rbx + 8], rax);
            a.mov(rax, cr3);
            a.mov(cr3, rax);
            a.mov(esi, __dword_ptr[0x4020_0000]);
            a.OutValue(esi);
            a.hlt();
        }),

        new("long64_address_size_override_and_rip_relative_data", CpuMode.Long64, a =>
        {
            var data = a.CreateLabel();
            var code = a.CreateLabel();
            a.jmp(code);
            a.Label(ref data);
            a.dq(0x0102_0304_0506_0708ul);
            a.Label(ref code);
            a.mov(__dword_ptr[DataAddress], 0x1234_5678);
            a.mov(rbx, 0xFFFF_FFFF_0000_0000ul | DataAddress);
            a.mov(eax, __dword_ptr[ebx]);                   // 67: the address is EBX, not RBX
            a.OutValue(eax);
            a.lea(ecx, __[rbx + 0x10]);                     // 32-bit result, zero-extended
            a.OutValue(rcx);
            a.mov(rdx, -1L);
            a.lea(dx, __[rbx + 0x20]);                      // 16-bit result, bits 16-63 kept
            a.OutValue(rdx);
            a.lea(rsi, __[ebx + 0x30]);                     // 32-bit address, zero-extended into RSI
            a.OutValue(rsi);
            a.mov(r8d, 0xFFFF_FFF0);
            a.mov(edi, __dword_ptr[r8d + (int)DataAddress + 0x10]);   // wraps at 4 GiB
            a.OutValue(edi);
            a.mov(rax, __qword_ptr[data]);
            a.OutValue(rax);
            a.add(__qword_ptr[data], 0x10);
            a.OutFlags();
            a.mov(r9, __qword_ptr[data]);
            a.OutValue(r9);
            a.hlt();
        }),

        new("long64_instruction_fetch_across_noncontiguous_pages", CpuMode.Long64, a =>
        {
            // 0x4000_0000 and 0x4020_0000 both map physical 0, so MOV EAX, imm32 at 0x401F_FFFD has its opcode
            // and two immediate bytes at the end of RAM's first 2 MiB and the rest, then RET, at physical 0.
            a.mov(ebx, SecondGibDirectory);
            a.mov(eax, LargePage);
            a.mov(__qword_ptr[rbx], rax);
            a.mov(__qword_ptr[rbx + 8], rax);
            a.invlpg(__[0x4000_0000]);
            a.invlpg(__[0x4020_0000]);
            a.mov(esi, 0x401F_FFFD);
            a.call(rsi);
            a.OutValue(eax);
            a.mov(__byte_ptr[0x1F_FFFE], 0x99);             // through the identity map
            a.call(rsi);
            a.OutValue(eax);
            a.mov(__byte_ptr[0x4020_0001], 0x55);           // through the alias
            a.call(rsi);
            a.OutValue(eax);
            a.cmp(eax, esi);
            a.hlt();
        })
        {
            Data = [new GuestData(0x1F_FFFD, [0xB8, 0x11, 0x22]), new GuestData(0, [0x33, 0x44, 0xC3])],
        },
    ];
}
