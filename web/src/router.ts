// Routes of the console (signed in) and of the public pages (no account).
import { createRouter, createWebHistory, type RouteLocationNormalized, type RouteRecordRaw } from 'vue-router'
import type { Role } from './api/types'
import { prefetchConsoleEdition } from './edition'
import { loadSession, session } from './session'
import { adminRoles, allowed, dashboardRoles, homeFor, noticeRoles, reportRoles, reviewRoles, statsRoles, writerRoles } from './utils/access'
import { isSafeRedirect } from './utils/format'

declare module 'vue-router' {
  interface RouteMeta {
    /** title goes in the browser tab. */
    title?: string
    /** public pages need no sign-in. */
    public?: boolean
    /** roles limits a console page to these roles. */
    roles?: readonly Role[]
  }
}

const consoleRoutes: RouteRecordRaw[] = [
  {
    path: 'dashboard',
    name: 'dashboard',
    component: () => import('./views/DashboardView.vue'),
    meta: { title: '实时数据', roles: dashboardRoles },
    // /dashboard?mode=screen is the big screen under another name.
    beforeEnter: (to) => {
      if (to.query.mode !== 'screen') return true
      const { mode: _mode, ...query } = to.query
      return { name: 'screen', query }
    },
  },
  { path: 'anomalies', name: 'anomalies', component: () => import('./views/AnomaliesView.vue'), meta: { title: '异常扫码', roles: dashboardRoles } },
  { path: 'activities', name: 'activities', component: () => import('./views/ActivityListView.vue'), meta: { title: '活动管理' } },
  { path: 'activities/new', name: 'activity-new', component: () => import('./views/ActivityFormView.vue'), meta: { title: '登记活动', roles: writerRoles } },
  { path: 'activities/:id/edit', name: 'activity-edit', component: () => import('./views/ActivityFormView.vue'), props: true, meta: { title: '修改活动', roles: writerRoles } },
  { path: 'activities/:id', name: 'activity', component: () => import('./views/ActivityDetailView.vue'), props: true, meta: { title: '活动详情' } },
  { path: 'activities/:id/signups', name: 'activity-signups', component: () => import('./views/SignupListView.vue'), props: true, meta: { title: '报名名单', roles: writerRoles } },
  { path: 'import', name: 'import', component: () => import('./views/ImportView.vue'), meta: { title: '批量导入', roles: writerRoles } },
  { path: 'featured', name: 'featured', component: () => import('./views/FeaturedView.vue'), meta: { title: '特色活动推荐', roles: adminRoles } },
  { path: 'report', name: 'report', component: () => import('./views/ReportView.vue'), meta: { title: '总结报送', roles: reportRoles } },
  { path: 'reports', name: 'reports', component: () => import('./views/ReportListView.vue'), meta: { title: '总结报送审核', roles: reviewRoles } },
  { path: 'reports/:county', name: 'report-review', component: () => import('./views/ReportReviewView.vue'), props: true, meta: { title: '总结报送审核', roles: reviewRoles } },
  // A county admin reads (not edits) a unit's own report; the city admin reviews it.
  { path: 'report/units/:unit', name: 'report-unit', component: () => import('./views/ReportView.vue'), props: true, meta: { title: '单位总结报送', roles: ['county_admin'] } },
  {
    path: 'reports/:county/units/:unit',
    name: 'report-unit-review',
    component: () => import('./views/ReportReviewView.vue'),
    props: true,
    meta: { title: '总结报送审核', roles: reviewRoles },
  },
  { path: 'units', name: 'units', component: () => import('./views/UnitsView.vue'), meta: { title: '组织单位', roles: adminRoles } },
  { path: 'venues', name: 'venues', component: () => import('./views/VenuesView.vue'), meta: { title: '场馆与终端', roles: adminRoles } },
  { path: 'venues/import', name: 'venue-import', component: () => import('./views/VenueImportView.vue'), meta: { title: '批量导入场馆', roles: adminRoles } },
  { path: 'venues/:id', name: 'venue', component: () => import('./views/VenueDetailView.vue'), props: true, meta: { title: '场馆详情', roles: adminRoles } },
  { path: 'accounts', name: 'accounts', component: () => import('./views/AccountsView.vue'), meta: { title: '账号管理', roles: adminRoles } },
  { path: 'audit', name: 'audit', component: () => import('./views/AuditView.vue'), meta: { title: '审计日志', roles: adminRoles } },
  { path: 'notices', name: 'notices', component: () => import('./views/NoticesView.vue'), meta: { title: '通知中心', roles: noticeRoles } },
  { path: 'edition', name: 'edition', component: () => import('./views/EditionView.vue'), meta: { title: '活动周设置' } },
]

const publicRoutes: RouteRecordRaw[] = [
  { path: '', name: 'public', component: () => import('./views/public/PublicActivitiesView.vue'), meta: { title: '活动报名', public: true } },
  { path: 'activities/:id', name: 'public-activity', component: () => import('./views/public/PublicActivityView.vue'), props: true, meta: { title: '活动详情', public: true } },
  { path: 'signups/:id', name: 'public-signup', component: () => import('./views/public/PublicSignupView.vue'), props: true, meta: { title: '我的报名', public: true } },
  { path: 'lookup', name: 'public-lookup', component: () => import('./views/public/PublicLookupView.vue'), meta: { title: '查询报名', public: true } },
]

const routes: RouteRecordRaw[] = [
  {
    path: '/',
    component: () => import('./components/ConsoleLayout.vue'),
    // "/" itself only decides where to go (see the guard below).
    children: [{ path: '', name: 'home', component: { render: () => null } }, ...consoleRoutes],
  },
  // The bureau's wall: the dashboard full screen, without the console around it.
  { path: '/screen', name: 'screen', component: () => import('./views/ScreenView.vue'), meta: { title: '数据大屏', roles: statsRoles } },
  // Outside the console's frame: after a reset nothing else may load until the password is changed.
  { path: '/password', name: 'password', component: () => import('./views/PasswordView.vue'), meta: { title: '修改密码' } },
  { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { title: '登录', public: true } },
  { path: '/public', component: () => import('./components/PublicLayout.vue'), children: publicRoutes, meta: { public: true } },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue'), meta: { title: '页面不存在', public: true } },
]

export const router = createRouter({
  history: createWebHistory('/'),
  routes,
  scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
})

/** loginRoute is the sign-in page that returns to `to` afterwards. */
export function loginRoute(to: Pick<RouteLocationNormalized, 'fullPath'>) {
  return { name: 'login', query: to.fullPath && to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
}

router.beforeEach(async (to) => {
  if (to.name === 'home') {
    await loadSession()
    if (session.signedIn && session.mustChangePassword) return { name: 'password' }
    return session.signedIn ? homeFor(session.role) : { name: 'login' }
  }
  if (to.name === 'login') {
    await loadSession()
    if (!session.signedIn) return true
    if (session.mustChangePassword) return { name: 'password' }
    return isSafeRedirect(to.query.redirect) ? to.query.redirect : homeFor(session.role)
  }
  if (to.meta.public) return true
  await loadSession()
  if (!session.signedIn) return loginRoute(to)
  if (session.mustChangePassword && to.name !== 'password') return { name: 'password' }
  if (!allowed(session.role, to.meta.roles)) return homeFor(session.role)
  // The console's pages (and the wall screen) all start from the edition: ask for it now, while
  // the page's chunks load.
  if (to.name !== 'password') prefetchConsoleEdition(to.query.edition)
  return true
})

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} · 科技活动周` : '科技活动周'
})
