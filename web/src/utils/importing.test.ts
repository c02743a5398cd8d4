import { describe, expect, it } from 'vitest'
import { fileSizeText, headerMappingOf, importErrorTitle, mappedColumns, rowProblemText, tableWhere } from './importing'
import { venueImportFieldLabels } from './labels'

describe('fileSizeText', () => {
  it.each([
    [10, '1 KB'],
    [2048, '2 KB'],
    [1024 * 1024, '1.0 MB'],
    [1.5 * 1024 * 1024, '1.5 MB'],
  ])('%d bytes', (n, want) => {
    expect(fileSizeText(n)).toBe(want)
  })
})

describe('importErrorTitle', () => {
  it.each([
    {
      dry: true,
      errors: [
        { row: 2, column: '场馆名称', message: 'x' },
        { row: 2, column: '场馆类型', message: 'y' },
        { row: 5, column: '', message: 'z' },
      ],
      want: '检查未通过：10 行中有 2 行存在 3 个问题，未写入任何数据。',
    },
    { dry: false, errors: [{ row: 3, column: '', message: 'z' }], want: '导入未通过：10 行中有 1 行存在 1 个问题，未写入任何数据。' },
  ])('$want', ({ dry, errors, want }) => {
    expect(importErrorTitle(10, errors, dry)).toBe(want)
  })
})

describe('headerMappingOf and mappedColumns', () => {
  it.each([
    { pairs: [], want: {} },
    { pairs: [{ header: ' 名称 ', field: 'name' }], want: { 名称: 'name' } },
    { pairs: [{ header: '名称', field: '' }, { header: '', field: 'kind' }], want: {} },
  ])('%#', ({ pairs, want }) => {
    expect(headerMappingOf(pairs)).toEqual(want)
  })

  it.each([
    { columns: null, want: [] },
    { columns: { 场馆名称: 'name', 县区: 'county' }, want: [['县区', 'county']] },
  ])('%#', ({ columns, want }) => {
    expect(mappedColumns(columns, venueImportFieldLabels)).toEqual(want)
  })
})

describe('rowProblemText', () => {
  const p = (message: string, localized_message: string) => ({ row: 4, column: '单位类型', message, reason: 'UNIT_KIND_UNKNOWN', localized_message })
  it.each([
    [p('"气象" is not a unit kind', '“气象”不是单位类型，请填写其中之一：气象部门'), '“气象”不是单位类型，请填写其中之一：气象部门'],
    [p('名额不能为负数', ''), '名额不能为负数'],
    [p('"气象" is not a unit kind', ''), '这一行的内容不符合要求，请对照模板检查'],
  ])('%j', (problem, want) => {
    expect(rowProblemText(problem)).toBe(want)
  })
})

describe('tableWhere', () => {
  it.each([
    [{ sheet: '活动安排', header_row: 4 }, '读取了工作表「活动安排」第 4 行的表头，上方的标题行已跳过。'],
    [{ sheet: '', header_row: 1 }, '读取了文件的表头。'],
  ])('%j', (r, want) => {
    expect(tableWhere(r)).toBe(want)
  })
})
