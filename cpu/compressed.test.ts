import { describe, it, expect, beforeAll } from 'vitest';
import {
  createTestMachine,
  cpuModule,
  CPU_BUILD_TIMEOUT_MS,
  RAM_BASE,
  type TestMachine,
} from './test-support/machine.node';
import { X } from './test-support/asm';
import { HS_MCAUSE, HS_MEPC, HS_MTVAL, HS_MTVEC } from './layout/hart-state';

// [assembly, compressed encoding, 32-bit equivalent], both produced with riscv64-linux-gnu-as
// (-march=rv64gc, objdump -M no-aliases) when the test was written.
const FORMS: [string, number, number][] = [
  ['c.addi4spn s0, sp, 1020', 0x1fe0, 0x3fc10413],
  ['c.addi4spn a5, sp, 4', 0x005c, 0x00410793],
  ['c.fld fa0, 248(a5)', 0x3fe8, 0x0f87b507],
  ['c.lw a0, 124(a1)', 0x5de8, 0x07c5a503],
  ['c.lw s1, 4(s0)', 0x4044, 0x00442483],
  ['c.ld a2, 248(a3)', 0x7ef0, 0x0f86b603],
  ['c.fsd fs0, 8(s1)', 0xa480, 0x0084b427],
  ['c.sw a4, 64(a5)', 0xc3b8, 0x04e7a023],
  ['c.sd a5, 136(s0)', 0xe45c, 0x08f43423],
  ['c.nop', 0x0001, 0x00000013],
  ['c.addi a0, -32', 0x1501, 0xfe050513],
  ['c.addi t6, 31', 0x0ffd, 0x01ff8f93],
  ['c.addiw a1, -1', 0x35fd, 0xfff5859b],
  ['c.addiw t0, 17', 0x22c5, 0x0112829b],
  ['c.li a3, -17', 0x56bd, 0xfef00693],
  ['c.li ra, 31', 0x40fd, 0x01f00093],
  ['c.addi16sp sp, -512', 0x7101, 0xe0010113],
  ['c.addi16sp sp, 496', 0x617d, 0x1f010113],
  ['c.lui a4, 0xfffe0', 0x7701, 0xfffe0737],
  ['c.lui s11, 31', 0x6dfd, 0x0001fdb7],
  ['c.srli a0, 63', 0x917d, 0x03f55513],
  ['c.srli s1, 1', 0x8085, 0x0014d493],
  ['c.srai a5, 32', 0x9781, 0x4207d793],
  ['c.andi s0, -1', 0x987d, 0xfff47413],
  ['c.andi a2, 21', 0x8a55, 0x01567613],
  ['c.sub s0, a5', 0x8c1d, 0x40f40433],
  ['c.xor a0, a1', 0x8d2d, 0x00b54533],
  ['c.or a2, a3', 0x8e55, 0x00d66633],
  ['c.and a4, a5', 0x8f7d, 0x00f77733],
  ['c.subw s1, a0', 0x9c89, 0x40a484bb],
  ['c.addw a0, a1', 0x9d2d, 0x00b5053b],
  ['c.slli a0, 63', 0x157e, 0x03f51513],
  ['c.slli t1, 3', 0x030e, 0x00331313],
  ['c.fldsp fs1, 504(sp)', 0x34fe, 0x1f813487],
  ['c.lwsp a0, 252(sp)', 0x557e, 0x0fc12503],
  ['c.ldsp ra, 8(sp)', 0x60a2, 0x00813083],
  ['c.jr ra', 0x8082, 0x00008067],
  ['c.mv a0, t5', 0x857a, 0x01e00533],
  ['c.ebreak', 0x9002, 0x00100073],
  ['c.jalr a5', 0x9782, 0x000780e7],
  ['c.add s2, s3', 0x994e, 0x01390933],
  ['c.fsdsp fs11, 504(sp)', 0xbfee, 0x1fb13c27],
  ['c.swsp t6, 252(sp)', 0xdffe, 0x0ff12e23],
  ['c.sdsp s0, 0(sp)', 0xe022, 0x00813023],
  ['c.j .+2046', 0xaffd, 0x7fe0006f],
  ['c.j .-2048', 0xb001, 0x801ff06f],
  ['c.j .+0x2a', 0xa02d, 0x02a0006f],
  ['c.beqz a0, .+254', 0xcd7d, 0x0e050f63],
  ['c.beqz s1, .-256', 0xd081, 0xf00480e3],
  ['c.bnez a5, .+0x56', 0xebb9, 0x04079b63],
  ['c.bnez s0, .-2', 0xfc7d, 0xfe041fe3],
];

// Reserved or illegal 16-bit encodings (RV64C).
const ILLEGAL: [string, number][] = [
  ['all zeros', 0x0000],
  ['c.addi4spn with nzuimm 0', 0x0010],
  ['quadrant 0 funct3 100 (reserved)', 0x8000],
  ['c.addiw rd=x0', 0x2001],
  ['c.addi16sp with imm 0', 0x6101],
  ['c.lui with imm 0', 0x6081],
  ['c.lwsp rd=x0', 0x4002],
  ['c.ldsp rd=x0', 0x6002],
  ['c.jr rs1=x0', 0x8002],
  ['reserved c.subw-space op 10', 0x9c41],
  ['reserved c.subw-space op 11', 0x9c61],
];

// Builds rv64.wasm first if a CPU or FPU source changed (one build shared by all test files).
beforeAll(() => cpuModule(), CPU_BUILD_TIMEOUT_MS);

describe('compressed instruction decoder', () => {
  let machine: TestMachine;
  beforeAll(async () => {
    machine = await createTestMachine();
  });

  it.each(FORMS)('%s expands to its 32-bit equivalent', (_asm, half, full) => {
    expect(machine.cpus[0]!.rvc_expand(half) >>> 0).toBe(full);
  });

  it.each(ILLEGAL)('%s is illegal', (_name, half) => {
    expect(machine.cpus[0]!.rvc_expand(half)).toBe(0);
  });

  it('executes a mixed 16/32-bit program and traps an illegal compressed word with its bits', async () => {
    const m = await createTestMachine();
    const bytes = [
      0x40fd, // c.li ra, 31
      0x0085, // c.addi ra, 1
      0x0513,
      0x0640, // addi a0, zero, 100 (32-bit, halfword aligned)
      0x952e, // c.add a0, a1
      0x8002, // c.jr x0: reserved
    ];
    const view = new DataView(m.memory.buffer, m.ram.byteOffset);
    bytes.forEach((h, i) => view.setUint16(2 * i, h, true));
    m.harts[0]!.setX(X.a1, 5n);
    m.harts[0]!.setCsr(HS_MTVEC, RAM_BASE + 0x100n);
    m.code(RAM_BASE + 0x100n, [0x0000006f]); // handler: spin
    m.run(10);
    const hart = m.harts[0]!;
    expect(hart.x(X.ra)).toBe(32n);
    expect(hart.x(X.a0)).toBe(105n);
    expect(hart.pc).toBe(RAM_BASE + 0x100n);
    expect(hart.csr(HS_MCAUSE)).toBe(2n);
    expect(hart.csr(HS_MEPC)).toBe(RAM_BASE + 10n);
    expect(hart.csr(HS_MTVAL)).toBe(0x8002n);
  });
});
